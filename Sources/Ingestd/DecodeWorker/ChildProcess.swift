import CProcessSpawn
import Glibc
import Synchronization

/// A started child process with a pipe on its stdin and one on its stdout, reaped by its owner.
///
/// Not Foundation's `Process`: that one creates its pipes and its termination socket
/// inheritable, so of two workers started at the same moment one can inherit the other's
/// descriptors; the other's death then shows no end-of-file and is never reported, and
/// `waitUntilExit()` blocks forever. Here every descriptor is close-on-exec from birth, the
/// child keeps none of the daemon's (databases, sockets, sibling pipes), and the status comes
/// from `waitpid` on this pid only.
final class ChildProcess: Sendable {
    /// How the child ended.
    enum Termination: Equatable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case killed(signal: Int32)
        /// `waitpid` answered ECHILD: something else collected the status. Counted as ended, so
        /// a wait cannot spin forever on a pid that is no longer ours.
        case statusLost

        var description: String {
            switch self {
            case .exited(let status): return "exited with status \(status)"
            case .killed(let signal): return "killed by signal \(signal)"
            case .statusLost: return "ended (status collected elsewhere)"
            }
        }
    }

    struct SpawnError: Error, CustomStringConvertible {
        let executable: String
        let errno: Int32
        var description: String { "\(executable): \(String(cString: strerror(errno)))" }
    }

    let pid: pid_t
    /// Write end of the child's stdin (close-on-exec).
    let input: Int32
    /// Read end of the child's stdout (close-on-exec).
    let output: Int32
    private struct State {
        var termination: Termination?
        var inputClosed = false
    }
    private let state = Mutex(State())

    init(executable: String, arguments: [String], environment: [String: String]) throws(SpawnError) {
        let argv = [executable] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var child = cps_child()
        let rc = Self.withCStrings(argv) { argvPointer in
            Self.withCStrings(envp) { envpPointer in cps_spawn(executable, argvPointer, envpPointer, &child) }
        }
        guard rc == 0 else { throw SpawnError(executable: executable, errno: rc) }
        pid = child.pid
        input = child.to_child
        output = child.from_child
    }

    /// How the child ended, or nil while it runs (never blocks; reaps it the first time).
    var termination: Termination? {
        state.withLock { state in
            if let ended = state.termination { return ended }
            var ended = cps_termination()
            switch cps_try_reap(pid, &ended) {
            case 1: state.termination = ended.signaled != 0 ? .killed(signal: ended.code) : .exited(ended.code)
            case -ECHILD: state.termination = .statusLost
            default: return nil
            }
            return state.termination
        }
    }

    var isRunning: Bool { termination == nil }

    /// Waits until the child has ended. After `grace` it is sent SIGKILL (a zero grace kills at
    /// once), so this returns within `grace` plus the kernel's time to tear it down.
    func waitForExit(grace: Duration) -> Termination {
        let deadline = ContinuousClock.now + grace
        var killed = false
        while true {
            if let ended = termination { return ended }
            if !killed, ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                killed = true
            }
            usleep(1_000)
        }
    }

    /// SIGKILL unless it has already been reaped (its pid could then belong to another process).
    func killNow() {
        state.withLock { state in
            if state.termination == nil { kill(pid, SIGKILL) }
        }
    }

    /// Closes the child's stdin: a worker reading requests takes it as the end of work.
    func closeInput() {
        let close = state.withLock { state in
            defer { state.inputClosed = true }
            return !state.inputClosed
        }
        if close { Glibc.close(input) }
    }

    /// The descriptors close only here, when no queue can still use them (an earlier close could
    /// let a late write land on a reused descriptor number). A child still running is killed and
    /// reaped so it leaves no zombie.
    deinit {
        if isRunning { _ = waitForExit(grace: .zero) }
        if !state.withLock({ $0.inputClosed }) { Glibc.close(input) }
        Glibc.close(output)
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { for copy in copies { free(copy) } }
        return copies.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
