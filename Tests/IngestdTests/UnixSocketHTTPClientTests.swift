import Foundation
import Glibc
import Ingestd
import Testing
import TestSupport

/// The CLI's client against a socket that answers with garbage: typed errors, never a crash.
struct UnixSocketHTTPClientTests {
    static let malformed: [(response: String, expected: String)] = [
        ("", "connection closed without a response"),
        ("garbage without a head end", "malformed response head"),
        ("NOT-HTTP\r\n\r\n", "malformed status line"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc", "malformed chunked body"),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nabc", "truncated chunked body"),
    ]

    @Test(.timeLimit(.minutes(3)))
    func malformedResponsesAreTypedErrors() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("ingestd-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (i, c) in Self.malformed.enumerated() {
            let path = dir.appendingPathComponent("s\(i).sock").path
            let server = try OneShotServer(path: path, response: Array(c.response.utf8))
            let error = #expect(throws: ClientError.self) { try UnixSocketHTTPClient(socketPath: path).get("/v1/status") }
            #expect(error?.message.contains(c.expected) == true, "\(String(describing: error))")
            server.join()
        }
    }

    @Test func chunkedAndSizedBodiesAreDecoded() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("ingestd-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.sock").path
        let server = try OneShotServer(path: path, response: Array("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n".utf8))
        let response = try UnixSocketHTTPClient(socketPath: path).get("/x")
        #expect(response.status == 201)
        #expect(response.bodyString == "abcde")
        server.join()
    }

    @Test func missingSocketIsATypedError() {
        #expect(throws: ClientError.self) { try UnixSocketHTTPClient(socketPath: "/nonexistent/ingestd.sock").get("/v1/status") }
    }
}

/// Accepts one connection, reads the request head, writes `response`, closes.
final class OneShotServer {
    private let fd: Int32
    private let thread: Thread
    private let done: DispatchSemaphore

    init(path: String, response: [UInt8]) throws {
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0, listen(listener, 1) == 0 else { throw POSIXError(.EADDRINUSE) }
        fd = listener
        let done = DispatchSemaphore(value: 0)
        self.done = done
        let thread = Thread {
            let client = accept(listener, nil, nil)
            if client >= 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
                _ = response.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
                close(client)
            }
            done.signal()
        }
        self.thread = thread
        thread.start()
    }

    func join() {
        done.wait()
        close(fd)
    }
}
