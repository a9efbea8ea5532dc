/// A checkpoint or model-state problem: unreadable file, malformed safetensors, or tensors whose
/// names or shapes do not match the model.
public struct CheckpointError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case io
        case malformed
        case unsupported
        case mismatch
    }

    public var code: Code
    /// The file or tensor name concerned.
    public var input: String
    public var message: String

    public init(_ code: Code, input: String, _ message: String) {
        self.code = code
        self.input = input
        self.message = message
    }

    public var description: String { "\(input): \(code.rawValue): \(message)" }
}
