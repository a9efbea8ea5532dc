/// A file in one of the plumbing formats (npy, npz, PNG, tar.gz) that cannot be read or written.
public struct DataFormatError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case io
        case malformed
        case unsupported
        case compression
    }

    public var code: Code
    /// What was being read or written (a path, or "buffer").
    public var input: String
    public var message: String

    public init(_ code: Code, input: String, _ message: String) {
        self.code = code
        self.input = input
        self.message = message
    }

    public var description: String { "\(input): \(code.rawValue): \(message)" }
}
