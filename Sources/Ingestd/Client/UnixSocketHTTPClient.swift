import Foundation
import Glibc

/// A small blocking HTTP/1.1 client over a Unix domain socket, for `ingestctl` and tests.
///
/// One request per connection (`Connection: close`), bodies by Content-Length or chunked. Blocking
/// is right here: the CLI does one thing at a time and must not pull in an event loop to do it.
public struct UnixSocketHTTPClient: Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public var bodyString: String { String(decoding: body, as: UTF8.self) }
    }

    public let socketPath: String
    /// Refuse responses larger than this (a confused server must not exhaust the client).
    public var maxResponseBytes: Int = 256 << 20

    public init(socketPath: String) {
        self.socketPath = socketPath
    }

    public func get(_ path: String) throws(ClientError) -> Response {
        try request(method: "GET", path: path, body: nil)
    }

    public func post(_ path: String, json: [UInt8]) throws(ClientError) -> Response {
        try request(method: "POST", path: path, body: json)
    }

    public func request(method: String, path: String, body: [UInt8]?, contentType: String = "application/json") throws(ClientError) -> Response {
        let fd = try connect()
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: ingestd\r\nConnection: close\r\nUser-Agent: ingestctl\r\n"
        if let body { head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        try writeAll(fd, Array(head.utf8) + (body ?? []))
        var raw: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ClientError(socketPath: socketPath, message: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            raw.append(contentsOf: buffer[0..<n])
            if raw.count > maxResponseBytes { throw ClientError(socketPath: socketPath, message: "response exceeds \(maxResponseBytes) bytes") }
        }
        return try parse(raw)
    }

    private func connect() throws(ClientError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ClientError(socketPath: socketPath, message: "socket failed: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw ClientError(socketPath: socketPath, message: "socket path too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + 1)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
        }
        guard rc == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ClientError(socketPath: socketPath, message: "cannot connect (is ingestd running?): \(reason)")
        }
        return fd
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(ClientError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ClientError(socketPath: socketPath, message: "write failed: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    private func parse(_ raw: [UInt8]) throws(ClientError) -> Response {
        guard let end = Self.find([13, 10, 13, 10], in: raw, from: 0) else {
            throw ClientError(socketPath: socketPath, message: raw.isEmpty ? "connection closed without a response" : "malformed response head")
        }
        let lines = String(decoding: raw[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw ClientError(socketPath: socketPath, message: "malformed status line")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]).lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var body = Array(raw[(end + 4)...])
        if headers.contains(where: { $0.name == "transfer-encoding" && $0.value.lowercased().contains("chunked") }) {
            body = try dechunk(body)
        } else if let length = headers.first(where: { $0.name == "content-length" }).flatMap({ Int($0.value) }), length <= body.count {
            body = Array(body[0..<length])
        }
        return Response(status: status, headers: headers, body: body)
    }

    private func dechunk(_ data: [UInt8]) throws(ClientError) -> [UInt8] {
        var out: [UInt8] = []
        var p = 0
        while true {
            guard let lineEnd = Self.find([13, 10], in: data, from: p),
                  let size = Int(String(decoding: data[p..<lineEnd], as: UTF8.self).split(separator: ";")[0].trimmingCharacters(in: .whitespaces), radix: 16)
            else { throw ClientError(socketPath: socketPath, message: "malformed chunked body") }
            if size == 0 { return out }
            let start = lineEnd + 2
            guard start + size <= data.count else { throw ClientError(socketPath: socketPath, message: "truncated chunked body") }
            out.append(contentsOf: data[start..<(start + size)])
            p = start + size + 2
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= haystack.count {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}

/// The daemon could not be reached or answered nonsense.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    public var socketPath: String
    public var message: String
    public var description: String { "\(socketPath): \(message)" }
}
