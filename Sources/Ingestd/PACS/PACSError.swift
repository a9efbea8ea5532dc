/// A PACS intake failure: what failed (the code), on which input (a UID, key or address, never
/// patient data) and why.
public struct PACSError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Code: String, Sendable {
        /// The listener could not bind or start.
        case listen
        /// A received instance or report cannot be filed (bad UID, no usable key).
        case invalidInput = "invalid_input"
        /// Writing to the spool failed (disk full, permissions).
        case io
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
