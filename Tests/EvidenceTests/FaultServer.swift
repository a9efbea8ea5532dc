import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately misbehaving OpenAI-compatible server on 127.0.0.1 (fault injection only).
///
/// Each connection is handled on its own thread; `behaviour(n, requestBody)` decides the answer to
/// the n-th request. Bounded: it serves until ``stop()``.
final class FaultServer: @unchecked Sendable {
    enum Behaviour: Sendable {
        /// A well-formed chat completion whose message content is `content`.
        case answer(String)
        /// Wait, then answer (the client should time out first).
        case slow(seconds: Double, content: String)
        case status(Int)
        /// Promise 1000 bytes, send a few, close.
        case truncated
        case notJSON
    }

    // Guarded by `lock`.
    private let lock = NSLock()
    private var count = 0
    private var running = true
    private let listener: Int32
    let port: Int
    private let behaviour: @Sendable (Int, String) -> Behaviour

    var requests: Int { lock.withLock { count } }

    /// Listens on a Unix socket at `path` instead of TCP (the client's unix:// endpoints).
    let unixPath: String?

    init(unixPath: String, behaviour: @escaping @Sendable (Int, String) -> Behaviour) throws {
        self.behaviour = behaviour
        self.unixPath = unixPath
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(unixPath.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { close(fd); throw POSIXError(.ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &addr.sun_path) { p in
            for (i, b) in bytes.enumerated() { p[i] = b }
            p[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard rc == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        listener = fd
        port = 0
        let t = Thread { [self] in acceptLoop() }
        t.start()
    }

    init(behaviour: @escaping @Sendable (Int, String) -> Behaviour) throws {
        self.behaviour = behaviour
        self.unixPath = nil
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: bound.sin_port))
        listener = fd
        let t = Thread { [self] in acceptLoop() }
        t.start()
    }

    var url: String { unixPath.map { "unix://\($0)" } ?? "http://127.0.0.1:\(port)" }

    func stop() {
        lock.withLock { running = false }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        if let unixPath { unlink(unixPath) }
    }

    private func acceptLoop() {
        while lock.withLock({ running }) {
            let c = accept(listener, nil, nil)
            if c < 0 { return }
            let n = lock.withLock { () -> Int in count += 1; return count }
            let t = Thread { [self] in handle(c, n) }
            t.start()
        }
    }

    private func handle(_ fd: Int32, _ n: Int) {
        defer { close(fd) }
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        // Read headers and the Content-Length body.
        while true {
            let r = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if r <= 0 { return }
            data.append(contentsOf: buf[0..<r])
            if let end = Self.find(data, Array("\r\n\r\n".utf8)) {
                let head = String(decoding: data[0..<end], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
                if data.count >= end + 4 + length { break }
            }
        }
        let body = String(decoding: data[(Self.find(data, Array("\r\n\r\n".utf8))! + 4)...], as: UTF8.self)
        switch behaviour(n, body) {
        case .answer(let content):
            respond(fd, 200, Self.envelope(content))
        case .slow(let seconds, let content):
            Thread.sleep(forTimeInterval: seconds)
            respond(fd, 200, Self.envelope(content))
        case .status(let code):
            respond(fd, code, #"{"error":{"message":"injected failure"}}"#)
        case .truncated:
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"choices\":[{\"mess"
            write(fd, head)
        case .notJSON:
            respond(fd, 200, "<html><body>Bad gateway</body></html>")
        }
    }

    static func envelope(_ content: String) -> String {
        let object: [String: Any] = ["id": "x", "object": "chat.completion", "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]]]
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private func respond(_ fd: Int32, _ status: Int, _ body: String) {
        let b = Array(body.utf8)
        write(fd, "HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(b.count)\r\nConnection: close\r\n\r\n" + body)
    }

    private func write(_ fd: Int32, _ s: String) {
        let bytes = Array(s.utf8)
        var off = 0
        while off < bytes.count {
            let r = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
            if r <= 0 { return }
            off += r
        }
    }

    static func find(_ hay: [UInt8], _ needle: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where Array(hay[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}
