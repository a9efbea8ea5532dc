/// A dense Float32 tensor in row-major (C) order. Images are NHWC: `[batch, height, width, channels]`.
///
/// A value type over a shared `TensorStorage`: copying a `Tensor` shares the buffer (see
/// `TensorStorage` for the ownership rule); `copy()` makes an independent one.
public struct Tensor: Sendable {
    public let shape: [Int]
    public let count: Int
    let storage: TensorStorage

    var ptr: UnsafeMutablePointer<Float> { storage.pointer }

    /// A zero-filled tensor.
    public init(zeros shape: [Int]) {
        self.shape = shape
        count = shape.reduce(1, *)
        storage = TensorStorage(capacity: count, zeroed: true)
    }

    /// A tensor whose contents the caller overwrites completely before reading.
    init(uninitialized shape: [Int]) {
        self.shape = shape
        count = shape.reduce(1, *)
        storage = TensorStorage(capacity: count, zeroed: false)
    }

    init(shape: [Int], storage: TensorStorage) {
        self.shape = shape
        count = shape.reduce(1, *)
        precondition(count <= storage.capacity, "storage too small for shape \(shape)")
        self.storage = storage
    }

    /// A tensor holding `values`; returns nil when the count does not match the shape.
    public init?(shape: [Int], values: [Float]) {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else { return nil }
        self.init(uninitialized: shape)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { ptr.update(from: base, count: values.count) }
        }
    }

    /// The elements as an array (a copy).
    public var values: [Float] { Array(UnsafeBufferPointer(start: ptr, count: count)) }

    public subscript(flat i: Int) -> Float {
        get { ptr[i] }
        nonmutating set { ptr[i] = newValue }
    }

    /// The same storage seen with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "reshape \(shape) -> \(newShape) changes the element count")
        return Tensor(shape: newShape, storage: storage)
    }

    /// An independent copy.
    public func copy() -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.ptr.update(from: ptr, count: count)
        return t
    }

    public func fill(_ value: Float) { ptr.update(repeating: value, count: count) }

    /// Copies `other`'s elements (same count) into this tensor.
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: element count mismatch")
        ptr.update(from: other.ptr, count: count)
    }

    /// Whether this tensor's buffer is shared with no one (used to reuse last step's buffers).
    var isUnshared: Bool {
        var s = storage
        return isKnownUniquelyReferenced(&s)
    }
}

/// A per-layer cache of one output or scratch buffer, reused across steps when nobody else holds it.
struct ReusableBuffer {
    private var storage: TensorStorage?

    /// A tensor of `shape`, reusing the previous buffer when it is large enough and unshared.
    /// Contents are undefined unless `zeroed`.
    mutating func tensor(_ shape: [Int], zeroed: Bool = false) -> Tensor {
        let n = shape.reduce(1, *)
        if storage != nil, isKnownUniquelyReferenced(&storage), let s = storage, s.capacity >= n {
            if zeroed { s.pointer.update(repeating: 0, count: n) }
            return Tensor(shape: shape, storage: s)
        }
        let s = TensorStorage(capacity: n, zeroed: zeroed)
        storage = s
        return Tensor(shape: shape, storage: s)
    }
}
