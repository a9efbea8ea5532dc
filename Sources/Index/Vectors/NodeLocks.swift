internal import CVectorKernels

/// One spin lock per node's link lists plus a global one for the entry point: what lets several
/// threads link nodes into one graph during a parallel bulk build.
///
/// Thread safety: the lock words are only touched through atomic C builtins.
final class NodeLocks: @unchecked Sendable {
    private let words: UnsafeMutablePointer<Int32>
    private let count: Int

    init(nodes: Int) {
        count = nodes
        words = .allocate(capacity: nodes + 1)
        words.initialize(repeating: 0, count: nodes + 1)
    }

    deinit { words.deallocate() }

    @inline(__always) func lock(_ node: Int32) { cvk_spin_lock(words + Int(node)) }
    @inline(__always) func unlock(_ node: Int32) { cvk_spin_unlock(words + Int(node)) }
    func lockGlobal() { cvk_spin_lock(words + count) }
    func unlockGlobal() { cvk_spin_unlock(words + count) }
}
