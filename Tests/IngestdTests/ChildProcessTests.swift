import Foundation
import Glibc
import Synchronization
@testable import Ingestd
import Testing

/// Decode workers are started from several threads at once. A child that inherited a sibling's
/// pipe keeps it open after the sibling dies, so the daemon never sees the sibling's end of file
/// (the malformed-input suite once waited 120 s on a crashed worker for exactly this).
@Suite struct ChildProcessTests {
    /// `cat` holds only what it was given: once idle, its descriptors are exactly 0, 1 and 2.
    static func descriptors(of pid: pid_t) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").sorted()
    }

    static func targets(of pid: pid_t, _ descriptors: [String]) -> [String] {
        descriptors.map { "\($0)→" + ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")) ?? "?") }
    }

    @Test func childrenStartedAtOnceInheritNothingFromTheDaemonOrEachOther() throws {
        // A descriptor the daemon holds without close-on-exec (as RocksDB or a socket might).
        let inheritable = open("/dev/null", O_RDONLY)
        #expect(inheritable >= 3)
        defer { close(inheritable) }
        for _ in 0..<25 {
            let children = Mutex<[ChildProcess]>([])
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                if let child = try? ChildProcess(executable: "/bin/cat", arguments: [], environment: [:]) {
                    children.withLock { $0.append(child) }
                }
            }
            let started = children.withLock { $0 }
            #expect(started.count == 4)
            for child in started {
                // One byte through `cat` first: it has then finished loading (the dynamic loader
                // opens libraries on descriptor 3 for a moment) and waits on its stdin.
                var byte: UInt8 = 0x2A
                #expect(write(child.input, &byte, 1) == 1)
                #expect(read(child.output, &byte, 1) == 1)
                let held = try Self.descriptors(of: child.pid)
                #expect(held == ["0", "1", "2"], "child \(child.pid) holds foreign descriptors \(Self.targets(of: child.pid, held))")
            }
            // Each child's death is seen while its siblings still run: stdin closed → cat exits →
            // its stdout reads end of file.
            for child in started {
                child.closeInput()
                var byte: UInt8 = 0
                #expect(read(child.output, &byte, 1) == 0)
                #expect(child.waitForExit(grace: .seconds(10)) == .exited(0))
            }
        }
    }

    @Test func aChildKilledIsReportedWithItsSignalAndReapedOnce() throws {
        let child = try ChildProcess(executable: "/bin/cat", arguments: [], environment: [:])
        #expect(child.isRunning)
        child.killNow()
        #expect(child.waitForExit(grace: .seconds(10)) == .killed(signal: SIGKILL))
        // Later callers read the recorded status; the pid is never signalled again.
        #expect(child.termination == .killed(signal: SIGKILL))
        child.killNow()
        #expect(!child.isRunning)
    }

    @Test func aMissingExecutableIsAClearError() {
        #expect(throws: ChildProcess.SpawnError.self) {
            _ = try ChildProcess(executable: "/nonexistent/ingestd", arguments: [], environment: [:])
        }
    }

    @Test func theChildGetsItsArgumentsAndOnlyTheGivenEnvironment() throws {
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "printf '%s|%s|%s' \"$0\" \"$GREETING\" \"${HOME:-unset}\"", "first"],
            environment: ["GREETING": "hello world"])
        child.closeInput()
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let n = read(child.output, &buffer, buffer.count)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        #expect(String(decoding: bytes, as: UTF8.self) == "first|hello world|unset")
        #expect(child.waitForExit(grace: .seconds(10)) == .exited(0))
    }
}
