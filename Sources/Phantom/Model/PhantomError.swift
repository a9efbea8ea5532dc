/// A generation request that cannot be honoured: bad style file, bad options, or I/O trouble.
public struct PhantomError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidStyle = "invalid_style"
        case invalidArgument = "invalid_argument"
        case io
        case dicom
    }

    public var code: Code
    /// The file or option the error is about.
    public var input: String
    public var message: String

    public init(_ code: Code, input: String, _ message: String) {
        self.code = code
        self.input = input
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(input): \(message)" }
}
