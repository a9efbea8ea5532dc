/// A training round, the registry or a promotion failed; names the input (a path, a version) and
/// never carries PHI.
public struct TrainingError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The registry file cannot be read or written.
        case registry
        /// Too few paired studies to train or evaluate.
        case data
        /// The learner or a checkpoint failed.
        case learner
        /// No such version, or it cannot be served.
        case version
        /// Another round or promotion is in progress.
        case busy
    }

    public var code: Code
    public var input: String
    public var message: String

    public init(_ code: Code, input: String, _ message: String) {
        self.code = code
        self.input = input
        self.message = message
    }

    public var description: String { "\(code.rawValue) \(input): \(message)" }
}
