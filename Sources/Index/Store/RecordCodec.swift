internal import Foundation

/// A record type stored in one family with a versioned encoding.
public protocol StoreRecord: Codable, Sendable {
    /// Encoding version written today; older versions must still decode.
    static var recordVersion: UInt8 { get }
}

/// Envelope `[0xD1, version, JSON…]`. The version byte lets a newer build read (and migrate)
/// older records and lets an older build refuse newer ones instead of misreading them.
enum RecordCodec {
    static let tag: UInt8 = 0xD1

    static func encode<R: StoreRecord>(_ record: R) throws(IndexError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return [tag, R.recordVersion] + [UInt8](try encoder.encode(record))
        } catch {
            throw IndexError(.invalidArgument, input: String(describing: R.self), "cannot encode record")
        }
    }

    static func decode<R: StoreRecord>(_ bytes: [UInt8], as: R.Type = R.self, key: String) throws(IndexError) -> R {
        guard bytes.count >= 2, bytes[0] == tag else {
            throw IndexError(.corrupt, input: key, "not a \(R.self) record (bad envelope)")
        }
        guard bytes[1] <= R.recordVersion, bytes[1] > 0 else {
            throw IndexError(.schema, input: key, "\(R.self) record version \(bytes[1]) is newer than this build (\(R.recordVersion))")
        }
        do {
            return try JSONDecoder().decode(R.self, from: Data(bytes[2...]))
        } catch {
            throw IndexError(.corrupt, input: key, "\(R.self) record does not decode")
        }
    }

    static func version(of bytes: [UInt8]) -> UInt8? { bytes.count >= 2 && bytes[0] == tag ? bytes[1] : nil }
}
