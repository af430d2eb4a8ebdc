import Model

extension Quantization {
    /// The base model ready for training: as loaded, or with its projections in NF4.
    public func prepare(_ dense: Llama) -> Llama {
        switch self {
        case .none: dense
        case .nf4: QuantizedProjections.quantize(dense, doubleQuantization: false)
        case .nf4DoubleQuantized: QuantizedProjections.quantize(dense, doubleQuantization: true)
        }
    }
}
