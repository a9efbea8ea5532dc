/// Owns one contiguous, 64-byte aligned Float32 buffer.
///
/// `Tensor` values share a storage by reference (a reshape is free); whoever writes into a storage
/// must be its only user at that moment. Layers check `isKnownUniquelyReferenced` before reusing a
/// buffer from the previous step, so a tensor a caller still holds is never overwritten.
public final class TensorStorage: @unchecked Sendable {
    // @unchecked: the buffer is written only by the single owner described above; hand-off across
    // threads goes through `BatchQueue`, whose lock orders the accesses.
    let pointer: UnsafeMutablePointer<Float>
    let capacity: Int

    init(capacity: Int, zeroed: Bool) {
        self.capacity = capacity
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, capacity) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(1, capacity))
        if zeroed { pointer.initialize(repeating: 0, count: capacity) }
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }
}
