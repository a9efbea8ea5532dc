/// Why an index or store operation failed: a code, the input it concerns (a path, a key family,
/// an item id — never record contents, which may hold PHI) and a message.
public struct IndexError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Code: String, Sendable {
        /// A caller passed something unusable (wrong dimension, non-finite value, bad name).
        case invalidArgument
        /// RocksDB reported an error.
        case storage
        /// A file could not be read or written.
        case io
        /// Stored bytes do not decode (torn, truncated or foreign data).
        case corrupt
        /// The store's schema version cannot be opened by this build.
        case schema
        /// The store is closed.
        case closed
    }

    public var code: Code
    public var input: String
    public var message: String

    public init(_ code: Code, input: String, _ message: String) {
        self.code = code
        self.input = input
        self.message = message
    }

    public var description: String { "\(input): \(code.rawValue): \(message)" }
}
