import Foundation

/// Lists the regular files under watched folders: the periodic full rescan that is the source of
/// truth (inotify only makes it prompt, and misses events on network file systems).
///
/// Hidden entries (a leading dot: editors' and copy tools' temp files, our own `.tmp-*`) are skipped,
/// and so are symbolic links, so a link cannot pull files from outside the watched root.
public struct DirectoryScanner: Sendable {
    public var roots: [String]
    /// Deepest folder level followed below a root (guards against pathological trees).
    public var maxDepth: Int

    public init(roots: [String], maxDepth: Int = 32) {
        self.roots = roots
        self.maxDepth = maxDepth
    }

    /// Scans every root; a root that is missing or unreadable yields a problem, not a failure, so
    /// one unmounted share does not stop ingestion from the others.
    public func scan() -> (files: [FileObservation], problems: [ScanProblem]) {
        var files: [FileObservation] = []
        var problems: [ScanProblem] = []
        for root in roots {
            walk(root, depth: 0, into: &files, problems: &problems)
        }
        files.sort { $0.path < $1.path }
        return (files, problems)
    }

    private func walk(_ directory: String, depth: Int, into files: inout [FileObservation], problems: inout [ScanProblem]) {
        let fm = FileManager.default
        let names: [String]
        do {
            names = try fm.contentsOfDirectory(atPath: directory)
        } catch {
            problems.append(ScanProblem(path: directory, message: "cannot list: \((error as NSError).localizedDescription)"))
            return
        }
        for name in names where !name.hasPrefix(".") {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            // attributesOfItem uses lstat: a symbolic link is reported as a link, never followed.
            guard let attributes = try? fm.attributesOfItem(atPath: path), let type = attributes[.type] as? FileAttributeType else {
                continue  // vanished between listing and stat
            }
            if type == .typeRegular {
                files.append(Self.observation(path: path, attributes: attributes))
            } else if type == .typeDirectory {
                if depth < maxDepth {
                    walk(path, depth: depth + 1, into: &files, problems: &problems)
                } else {
                    problems.append(ScanProblem(path: path, message: "deeper than \(maxDepth) levels; not followed"))
                }
            }
        }
    }
}

extension DirectoryScanner {
    /// One regular file's current (size, mtime), as a scan would see it; nil for anything else
    /// (gone, a link, a folder).
    public static func observe(path: String) -> FileObservation? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular
        else { return nil }
        return observation(path: path, attributes: attributes)
    }

    static func observation(path: String, attributes: [FileAttributeKey: Any]) -> FileObservation {
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return FileObservation(path: path, size: size, modifiedNanoseconds: Int64((modified * 1e9).rounded()))
    }
}

/// A folder the scan could not read; the scan goes on without it.
public struct ScanProblem: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
