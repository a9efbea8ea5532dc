public import Foundation
import TOMLKit

extension IngestdConfiguration {
    /// Reads and validates a TOML configuration file. Unknown keys are errors (typos must not be
    /// silently ignored on a service that handles PHI).
    ///
    /// - Throws: ``ConfigurationError`` naming the file, the key and the problem.
    public static func load(tomlPath: String) throws(ConfigurationError) -> IngestdConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: tomlPath, encoding: .utf8)
        } catch {
            throw ConfigurationError(source: tomlPath, problems: [.init(key: "", message: "cannot read the file: \(error.localizedDescription)")])
        }
        return try parse(toml: text, source: tomlPath)
    }

    /// Parses and validates TOML text; `source` names it in errors.
    public static func parse(toml text: String, source: String) throws(ConfigurationError) -> IngestdConfiguration {
        let configuration: IngestdConfiguration
        do {
            configuration = try TOMLDecoder(strictDecoding: true).decode(IngestdConfiguration.self, from: text)
        } catch let error as TOMLParseError {
            let at = error.source.begin
            throw ConfigurationError(
                source: source, problems: [.init(key: "", message: "TOML syntax error at line \(at.line), column \(at.column): \(error.description)")])
        } catch let error as UnexpectedKeysError {
            let problems = error.keys.keys.sorted().map { key in
                ConfigurationError.Problem(key: key, message: "unknown setting")
            }
            throw ConfigurationError(source: source, problems: problems)
        } catch let error as DecodingError {
            throw ConfigurationError(source: source, problems: [problem(from: error)])
        } catch {
            throw ConfigurationError(source: source, problems: [.init(key: "", message: "\(error)")])
        }
        try configuration.validate(source: source)
        return configuration
    }

    private static func problem(from error: DecodingError) -> ConfigurationError.Problem {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return .init(key: path(context.codingPath), message: "expected \(Self.tomlTypeName(type))")
        case .valueNotFound(let type, let context):
            return .init(key: path(context.codingPath), message: "missing value of type \(Self.tomlTypeName(type))")
        case .keyNotFound(let key, let context):
            let keys = context.codingPath.last?.stringValue == key.stringValue ? context.codingPath : context.codingPath + [key]
            return .init(key: path(keys), message: "is required")
        case .dataCorrupted(let context):
            return .init(key: path(context.codingPath), message: context.debugDescription)
        @unknown default:
            return .init(key: "", message: "\(error)")
        }
    }

    private static func tomlTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        case is [String].Type: "an array of strings"
        case is [Int].Type: "an array of integers"
        default: "a value of type \(type)"
        }
    }
}
