import Foundation
import Glibc

/// The directories a request's `file` may point into: the watched folders and the data
/// directory, after resolving symbolic links on both sides, so `..` and links cannot escape.
struct AllowedRoots: Sendable {
    let roots: [String]

    init(configuration: IngestdConfiguration) {
        var candidates = configuration.watch.dicomDirectories + configuration.watch.reportDirectories + [configuration.dataDirectory]
        if let archive = configuration.watch.archiveDirectory { candidates.append(archive) }
        roots = candidates.compactMap { Self.realPath($0) ?? Self.lexical($0) }
    }

    /// The resolved path of `path` when it lies under a root.
    ///
    /// - Throws: `bad_request` for a relative path, `forbidden_path` outside the roots,
    ///   `not_found` for a missing file under a root (a missing file elsewhere is forbidden, so
    ///   the answer says nothing about files outside the roots).
    func resolve(_ path: String) throws(APIError) -> String {
        guard path.hasPrefix("/") else {
            throw APIError.badRequest("file must be an absolute path")
        }
        guard let resolved = Self.realPath(path) else {
            if contains(Self.lexical(path)) {
                throw APIError.notFound("file \(path) does not exist")
            }
            throw APIError.forbiddenPath("file \(path) is not under a watched directory or the data directory")
        }
        guard contains(resolved) else {
            throw APIError.forbiddenPath("file \(path) is not under a watched directory or the data directory")
        }
        return resolved
    }

    private func contains(_ path: String) -> Bool {
        roots.contains { root in path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/") }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func lexical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
