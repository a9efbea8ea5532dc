import Foundation
import Learner

/// Runs a round's compute on a dedicated thread at lower priority, within the thread budget.
///
/// Linux applies nice values per thread: `setpriority(PRIO_PROCESS, tid, n)` on the thread's own
/// id lowers only this thread, so the scheduler gives ingestion, queries and re-embedding the
/// cores first. BLAS and the Learner's element-wise workers are capped at the budget (with a
/// budget of 1 every GEMM runs on this thread, at its priority; OpenBLAS's own pool threads
/// would not inherit the nice value).
enum TrainingThread {
    /// 8 MiB: the learner's recursion is shallow, but big locals live on the stack in debug builds.
    static let stackSize = 8 << 20

    static func run<T: Sendable>(niceness: Int, threads: Int, _ body: @escaping @Sendable () throws(TrainingError) -> T) async throws(TrainingError) -> T {
        let result: Result<T, TrainingError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                lowerPriority(niceness)
                ComputeThreads.configure(blas: threads, workers: threads)
                continuation.resume(returning: Result { () throws(TrainingError) -> T in try body() })
            }
            thread.name = "ingestd-training"
            thread.stackSize = stackSize
            thread.start()
        }
        return try result.get()
    }

    /// The calling thread's nice value becomes `niceness` (best effort: raising priority back is
    /// not allowed without CAP_SYS_NICE, lowering always is).
    static func lowerPriority(_ niceness: Int) {
        guard niceness > 0 else { return }
        let tid = threadID()
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid, Int32(niceness))
        // The lowest nice value also asks for SCHED_IDLE: the thread runs only when a core has
        // nothing else to do, and any waking ingest or query thread preempts it at once.
        if niceness >= 19 {
            var parameter = sched_param()
            parameter.sched_priority = 0
            _ = sched_setscheduler(pid_t(tid), schedIdle, &parameter)
        }
    }

    /// `SCHED_IDLE` from <bits/sched.h> (a GNU extension the Swift overlay does not import).
    static let schedIdle: Int32 = 5

    /// The calling thread's scheduling policy (for tests).
    static func currentPolicy() -> Int32 { sched_getscheduler(pid_t(threadID())) }

    /// The calling thread's nice value (for tests and status).
    static func currentNiceness() -> Int {
        errno = 0
        return Int(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), threadID()))
    }

    /// The calling thread's kernel id, from `/proc/thread-self` (`<pid>/task/<tid>`); 0 (which
    /// Linux also reads as the calling thread) when it cannot be read. Glibc's `gettid()` is not
    /// visible to Swift here and `syscall` is variadic.
    static func threadID() -> id_t {
        var buffer = [CChar](repeating: 0, count: 64)
        let n = readlink("/proc/thread-self", &buffer, buffer.count - 1)
        guard n > 0 else { return 0 }
        let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return link.split(separator: "/").last.flatMap { id_t(String($0)) } ?? 0
    }
}
