/// An owned, zero-initialised, fixed-size block of Floats: parameters, gradients, optimizer state
/// and activations each live in one of these, and layers address it through typed views.
public final class FloatBuffer {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int
    public let category: MemoryCategory
    private let ledger: MemoryLedger

    /// The buffer's bytes count in the memory ledger under `category` for as long as it lives.
    public init(count: Int, category: MemoryCategory = .other) {
        precondition(count >= 0, "a buffer cannot have \(count) elements")
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
        self.count = count
        self.category = category
        ledger = MemoryLedger.current
        ledger.allocate(count * MemoryLayout<Float>.stride, category)
    }

    deinit {
        ledger.release(bytes, category)
        pointer.deallocate()
    }

    public var bytes: Int { count * MemoryLayout<Float>.stride }

    public var buffer: UnsafeMutableBufferPointer<Float> { .init(start: pointer, count: count) }

    public func zero() { pointer.update(repeating: 0, count: count) }

    public subscript(index: Int) -> Float {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }

    public func copy(from other: FloatBuffer) {
        precondition(other.count == count, "copying \(other.count) floats into a buffer of \(count)")
        pointer.update(from: other.pointer, count: count)
    }

    public var array: [Float] { Array(buffer) }
}
