import ArgumentParser
import Foundation
import Ingestd

/// The online commands' side of the socket: one request, the contract's error body turned into
/// a one-line message and an exit status (1: the daemon refused, 3: it could not be reached).
struct DaemonClient {
    let options: DaemonOptions

    var client: UnixSocketHTTPClient { UnixSocketHTTPClient(socketPath: options.socketPath) }

    func get(_ path: String) throws -> UnixSocketHTTPClient.Response {
        try checked { () throws(ClientError) in try client.get(path) }
    }

    func post(_ path: String, json: Any = [String: Any]()) throws -> UnixSocketHTTPClient.Response {
        let body = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
        return try checked { () throws(ClientError) in try client.post(path, json: [UInt8](body)) }
    }

    /// Decodes a successful response as `T`.
    func decode<T: Decodable>(_ type: T.Type, _ response: UnixSocketHTTPClient.Response) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            Self.fail("the daemon answered with JSON this ingestctl does not understand (\(error))", status: 1)
        }
    }

    private func checked(_ body: () throws(ClientError) -> UnixSocketHTTPClient.Response) throws -> UnixSocketHTTPClient.Response {
        let response: UnixSocketHTTPClient.Response
        do {
            response = try body()
        } catch {
            Self.fail("\(error)", status: 3)
        }
        guard (200..<300).contains(response.status) else {
            if let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
               let error = object["error"] as? [String: Any], let code = error["code"] as? String {
                Self.fail("\(code): \(error["message"] as? String ?? "")", status: 1)
            }
            Self.fail("HTTP \(response.status): \(response.bodyString)", status: 1)
        }
        return response
    }

    static func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data("ingestctl: \(message)\n".utf8))
        Foundation.exit(status)
    }

    /// A path made absolute against the current directory (the daemon resolves it, not us).
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Percent-encodes one path segment (ids may contain `/`, `:`, spaces).
    static func segment(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

/// The image a command asks about: `--uid UID` or `--file PATH`.
struct ImageSelection: ParsableArguments {
    @Option(name: .long, help: "SOPInstanceUID of an indexed image.") var uid: String?
    @Option(name: .long, help: "A DICOM file under a watched directory or the data directory.") var file: String?

    func validate() throws {
        guard (uid == nil) != (file == nil) else { throw ValidationError("give exactly one of --uid, --file") }
    }

    var json: [String: Any] {
        if let uid { return ["sop_instance_uid": uid] }
        return ["file": DaemonClient.absolute(file ?? "")]
    }
}

/// Renders rows as left-aligned columns under a header.
enum TextTable {
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
