internal import Foundation
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A minimal HTTP/1.1 client over POSIX sockets, for loopback TCP and Unix-socket endpoints.
///
/// One connection per request (`Connection: close`). Blocking socket calls run on a Dispatch
/// worker, never on the cooperative pool. Handles Content-Length, chunked and read-to-close
/// bodies; a body shorter than its Content-Length is a typed "truncated" error.
struct SocketHTTPTransport: HTTPTransport {
    enum Address: Sendable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    let address: Address
    /// Responses larger than this are refused (a misbehaving server cannot exhaust memory).
    var maxResponseBytes = 8 << 20

    var hostName: String {
        switch address {
        case .tcp(let h, let p): return "\(h):\(p)"
        case .unix: return "unix-socket"
        }
    }

    func post(path: String, body: [UInt8], headers: [(String, String)], timeout: Duration) async throws(EvidenceError) -> HTTPResponse {
        let this = self
        let result: Result<HTTPResponse, EvidenceError> = await withCheckedContinuation { cont in
            DispatchQueue.global().async {
                do throws(EvidenceError) {
                    cont.resume(returning: .success(try this.exchange(path: path, body: body, headers: headers, timeout: timeout)))
                } catch {
                    cont.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    private func fail(_ message: String) -> EvidenceError {
        EvidenceError(.llmTransport, input: hostName, message)
    }

    private func exchange(path: String, body: [UInt8], headers: [(String, String)], timeout: Duration) throws(EvidenceError) -> HTTPResponse {
        let deadline = ContinuousClock.now + timeout
        let fd = try openConnection(deadline: deadline)
        defer { close(fd) }
        var request = "POST \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
        request += "Content-Length: \(body.count)\r\nConnection: close\r\n"
        for (k, v) in headers { request += "\(k): \(v)\r\n" }
        request += "\r\n"
        try sendAll(fd, Array(request.utf8) + body, deadline: deadline)
        let raw = try receive(fd, deadline: deadline)
        return try parse(raw)
    }

    private var hostHeader: String {
        switch address {
        case .tcp(let h, let p): return h.contains(":") ? "[\(h)]:\(p)" : "\(h):\(p)"
        case .unix: return "localhost"
        }
    }

    private func remaining(_ deadline: ContinuousClock.Instant) throws(EvidenceError) -> Int32 {
        let left = deadline - ContinuousClock.now
        let ms = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
        guard ms > 0 else { throw fail("timed out") }
        return Int32(min(ms, Int64(Int32.max)))
    }

    private func openConnection(deadline: ContinuousClock.Instant) throws(EvidenceError) -> Int32 {
        switch address {
        case .unix(let path):
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw fail("socket() failed: errno \(errno)") }
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { close(fd); throw fail("socket path too long") }
            withUnsafeMutableBytes(of: &addr.sun_path) { p in
                for (i, b) in bytes.enumerated() { p[i] = b }
                p[bytes.count] = 0
            }
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard rc == 0 else { close(fd); throw fail("connect to unix socket failed: errno \(errno)") }
            return fd
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_family = AF_UNSPEC
            var res: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &res) == 0, let first = res else {
                throw fail("cannot resolve host")
            }
            defer { freeaddrinfo(res) }
            var ai: UnsafeMutablePointer<addrinfo>? = first
            var lastErrno: Int32 = 0
            while let a = ai {
                let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
                if fd >= 0 {
                    // Non-blocking connect bounded by the deadline, then back to blocking I/O.
                    let flags = fcntl(fd, F_GETFL)
                    _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
                    var rc = connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen)
                    if rc != 0 && errno == EINPROGRESS {
                        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                        let wait = (try? remaining(deadline)) ?? 0
                        if poll(&p, 1, wait) == 1 {
                            var err: Int32 = 0
                            var len = socklen_t(MemoryLayout<Int32>.size)
                            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
                            rc = err == 0 ? 0 : -1
                            lastErrno = err
                        } else {
                            rc = -1
                            lastErrno = ETIMEDOUT
                        }
                    } else if rc != 0 {
                        lastErrno = errno
                    }
                    if rc == 0 {
                        _ = fcntl(fd, F_SETFL, flags)
                        var one: Int32 = 1
                        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                        return fd
                    }
                    close(fd)
                }
                ai = a.pointee.ai_next
            }
            throw fail(lastErrno == ETIMEDOUT ? "connect timed out" : "connection refused or unreachable (errno \(lastErrno))")
        }
    }

    private func sendAll(_ fd: Int32, _ data: [UInt8], deadline: ContinuousClock.Instant) throws(EvidenceError) {
        var off = 0
        while off < data.count {
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&p, 1, try remaining(deadline)) == 1 else { throw fail("timed out sending request") }
            let n = data.withUnsafeBytes { p -> Int in
                guard let base = p.baseAddress else { return -1 }
                return send(fd, base + off, data.count - off, Int32(MSG_NOSIGNAL))
            }
            guard n > 0 else { throw fail("send failed: errno \(errno)") }
            off += n
        }
    }

    private func receive(_ fd: Int32, deadline: ContinuousClock.Instant) throws(EvidenceError) -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, try remaining(deadline)) == 1 else { throw fail("timed out waiting for the response") }
            let n = buf.withUnsafeMutableBytes { p -> Int in
                guard let base = p.baseAddress else { return -1 }
                return recv(fd, base, p.count, 0)
            }
            if n == 0 { break }
            guard n > 0 else {
                if errno == EINTR || errno == EAGAIN { continue }
                throw fail("receive failed: errno \(errno)")
            }
            out.append(contentsOf: buf[0..<n])
            guard out.count <= maxResponseBytes else { throw fail("response larger than \(maxResponseBytes) bytes") }
            if Self.isComplete(out) { break }
        }
        return out
    }

    /// Whether a Content-Length response has fully arrived (lets us stop before the peer closes).
    static func isComplete(_ raw: [UInt8]) -> Bool {
        guard let h = headerEnd(raw) else { return false }
        let head = String(decoding: raw[0..<h], as: UTF8.self).lowercased()
        for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
            if let n = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) {
                return raw.count - (h + 4) >= n
            }
        }
        return false
    }

    static func headerEnd(_ raw: [UInt8]) -> Int? {
        guard raw.count >= 4 else { return nil }
        for i in 0...(raw.count - 4) where raw[i] == 13 && raw[i + 1] == 10 && raw[i + 2] == 13 && raw[i + 3] == 10 { return i }
        return nil
    }

    func parse(_ raw: [UInt8]) throws(EvidenceError) -> HTTPResponse {
        guard let h = Self.headerEnd(raw) else { throw fail("truncated response (no complete header)") }
        let head = String(decoding: raw[0..<h], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw fail("malformed status line")
        }
        var contentLength: Int?
        var chunked = false
        for line in lines.dropFirst() {
            let lower = line.lowercased()
            if lower.hasPrefix("content-length:") {
                contentLength = Int(lower.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
            } else if lower.hasPrefix("transfer-encoding:"), lower.contains("chunked") {
                chunked = true
            }
        }
        var body = Array(raw[(h + 4)...])
        if chunked {
            body = try dechunk(body)
        } else if let n = contentLength {
            guard body.count >= n else { throw fail("truncated body: \(body.count) of \(n) bytes") }
            body = Array(body.prefix(n))
        }
        return HTTPResponse(status: status, body: body)
    }

    private func dechunk(_ b: [UInt8]) throws(EvidenceError) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while true {
            guard let lineEnd = (i..<max(i, b.count - 1)).first(where: { b[$0] == 13 && b[$0 + 1] == 10 }) else {
                throw fail("truncated chunked body")
            }
            let sizeText = String(decoding: b[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { throw fail("bad chunk size") }
            i = lineEnd + 2
            if size == 0 { return out }
            guard i + size <= b.count else { throw fail("truncated chunked body") }
            out.append(contentsOf: b[i..<(i + size)])
            i += size + 2
        }
    }
}
