import Model

extension LoRA {
    /// A plain fp32 model computing what `model` with this adapter attached computes:
    /// W ← W + scale · B·A for every adapted projection. An NF4 base is dequantized first.
    /// `model` is left as it was.
    public func merged(into model: Llama) -> Llama {
        let dense: Llama
        if let quantized = model.frozenProjections as? QuantizedProjections {
            dense = quantized.dequantizedModel(from: model)
        } else {
            dense = Llama(config: model.config, storedProjections: model.layout.storedProjections)
            dense.parameters.copy(from: model.parameters)
        }
        for slot in slots {
            guard let weight = dense.weights.projection(slot.site, layer: slot.layer) else {
                preconditionFailure("\(slot.site.modulePath(layer: slot.layer)) has no fp32 weight to merge into")
            }
            merge(slot.site, layer: slot.layer, into: weight)
        }
        return dense
    }
}
