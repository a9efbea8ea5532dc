public import Foundation

/// Regular files of a tar archive (ustar/GNU), optionally gzip-compressed (`.tgz`).
public struct TarArchive: Sendable {
    public struct Member: Sendable {
        public var path: String
        public var data: [UInt8]
    }

    public var members: [Member]

    public init(contentsOf url: URL) throws(DataFormatError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataFormatError(.io, input: url.path, "cannot read: \(error.localizedDescription)")
        }
        var bytes = [UInt8](data)
        if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
            bytes = try Zlib.inflate(bytes, container: .gzip, name: url.path)
        }
        try self.init(tarBytes: bytes, name: url.path)
    }

    public init(tarBytes b: [UInt8], name: String = "buffer") throws(DataFormatError) {
        var members: [Member] = []
        var p = 0
        var longName: String?
        while p + 512 <= b.count {
            let header = b[p..<(p + 512)]
            if header.allSatisfy({ $0 == 0 }) { break }
            func text(_ o: Int, _ n: Int) -> String {
                let s = b[(p + o)..<(p + o + n)]
                let end = s.firstIndex(of: 0) ?? s.endIndex
                return String(decoding: s[s.startIndex..<end], as: UTF8.self)
            }
            let sizeField = text(124, 12).trimmingCharacters(in: .whitespaces)
            guard let size = Int(sizeField.isEmpty ? "0" : sizeField, radix: 8), size >= 0 else {
                throw DataFormatError(.malformed, input: name, "bad size field in tar header at offset \(p)")
            }
            let type = b[p + 156]
            var path = text(0, 100)
            let prefix = text(345, 155)
            if text(257, 5) == "ustar" && !prefix.isEmpty { path = prefix + "/" + path }
            let start = p + 512
            guard start + size <= b.count else {
                throw DataFormatError(.malformed, input: name, "truncated tar member \(path)")
            }
            let content = Array(b[start..<(start + size)])
            if type == UInt8(ascii: "L") {
                longName = String(decoding: content.prefix { $0 != 0 }, as: UTF8.self)
            } else {
                if type == 0 || type == UInt8(ascii: "0") || type == UInt8(ascii: "7") {
                    members.append(Member(path: longName ?? path, data: content))
                }
                longName = nil
            }
            p = start + (size + 511) / 512 * 512
        }
        self.members = members
    }
}
