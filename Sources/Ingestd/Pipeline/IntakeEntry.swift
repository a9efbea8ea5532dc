import Foundation

/// One stable file recorded in the durable intake queue before any processing: what it is,
/// where, and which content (size, mtime, SHA-256) was seen, so a crash at any later point
/// requeues exactly this input.
public struct IntakeEntry: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case dicom, report }

    public var kind: Kind
    public var path: String
    public var size: Int64
    public var modifiedNanoseconds: Int64
    /// SHA-256 (hex) of the file bytes when it was recorded.
    public var contentDigest: String
    /// Seconds since 1970 when the file was recorded.
    public var receivedAt: Double

    public init(kind: Kind, path: String, size: Int64, modifiedNanoseconds: Int64, contentDigest: String, receivedAt: Double) {
        self.kind = kind
        self.path = path
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.contentDigest = contentDigest
        self.receivedAt = receivedAt
    }

    enum CodingKeys: String, CodingKey {
        case kind, path, size, modifiedNanoseconds = "mtime_ns", contentDigest = "digest", receivedAt = "received_at"
    }

    /// Reads the file as the watcher does: its size, mtime and SHA-256 now.
    public static func observe(path: String, kind: Kind) throws -> IntakeEntry {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let mtime = ((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0) * 1e9
        return IntakeEntry(
            kind: kind, path: path, size: size, modifiedNanoseconds: Int64(mtime.rounded()),
            contentDigest: try ContentDigest.file(atPath: path).digest, receivedAt: Date().timeIntervalSince1970)
    }

    /// The quarantine id of this input: `<kind>:<digest>` (no slashes, so it fits a URL path).
    public var quarantineID: String { "\(kind.rawValue):\(contentDigest)" }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? [UInt8](encoder.encode(self))) ?? []
    }

    static func decode(_ bytes: [UInt8]) -> IntakeEntry? {
        try? JSONDecoder().decode(IntakeEntry.self, from: Data(bytes))
    }
}
