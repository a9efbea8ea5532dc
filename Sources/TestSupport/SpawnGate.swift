public import Foundation

/// Serialises every test's `Process` start. Foundation creates a child's pipes and its
/// termination socket inheritable and closes, in the child, only the descriptors up to the
/// highest one open when `run()` began: a pipe another thread makes in that window stays open in
/// the child, and the pipe's owner never sees end-of-file (a reader then waits as long as the
/// unrelated child lives). Tests run side by side in one process, so every start, with the pipes
/// it hands over, happens inside this lock. (The daemon's own workers use `CProcessSpawn`.)
public enum SpawnGate {
    private static let lock = NSLock()

    /// Runs `body` (create the pipes, `run()` the process) with no other test start in between.
    public static func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
