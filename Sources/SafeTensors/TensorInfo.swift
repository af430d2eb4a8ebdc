/// One tensor's entry in a safetensors header, validated against the data buffer.
public struct TensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: DType
    /// Dimensions, outermost first; `[]` is a scalar (one element).
    public let shape: [Int]
    /// Byte range within the data buffer (which starts right after the header).
    public let dataOffsets: Range<Int>

    /// Number of elements: the product of `shape` (1 for a scalar, 0 if any dimension is 0).
    public var elementCount: Int { shape.reduce(1, *) }
}
