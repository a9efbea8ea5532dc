/// A configuration that cannot be used, with every problem named by its TOML key.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// Dotted TOML key, e.g. `socket.mode`; empty for the file as a whole.
        public var key: String
        public var message: String

        public init(key: String, message: String) {
            self.key = key
            self.message = message
        }

        public var description: String { key.isEmpty ? message : "\(key): \(message)" }
    }

    /// The configuration file, or "command line".
    public var source: String
    public var problems: [Problem]

    public init(source: String, problems: [Problem]) {
        self.source = source
        self.problems = problems
    }

    public var description: String {
        "invalid configuration (\(source)):\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
