/// A training-run problem: unusable data or configuration.
public struct LearnerError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case data
        case configuration
    }

    public var code: Code
    /// The file, folder or option concerned.
    public var input: String
    public var message: String

    public init(_ code: Code, input: String, _ message: String) {
        self.code = code
        self.input = input
        self.message = message
    }

    public var description: String { "\(input): \(code.rawValue): \(message)" }
}
