import Foundation
import Testing
import TestSupport

/// The log grep: no patient name, patient ID or report sentence in any daemon log of the test
/// run. Each test audits the logs of every launch it made against everything it fed.
enum PHIAudit {
    /// Expects the logs to exist, to say something, and to contain none of `needles`. A leak is
    /// named by file and length only: printing the line would leak it into the test output.
    static func expectClean(_ logFiles: [URL], needles: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!needles.isEmpty, "nothing to look for", sourceLocation: sourceLocation)
        var bytes = 0
        var found: [String] = []
        for file in logFiles {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                Issue.record("unreadable log \(file.lastPathComponent)", sourceLocation: sourceLocation)
                continue
            }
            bytes += text.utf8.count
            for needle in needles where !needle.isEmpty && text.contains(needle) {
                found.append("\(file.lastPathComponent): a protected value of \(needle.count) characters")
            }
        }
        #expect(bytes > 0, "the daemon logged nothing: the audit would prove nothing", sourceLocation: sourceLocation)
        #expect(found.isEmpty, "PHI in logs: \(found.prefix(5))", sourceLocation: sourceLocation)
    }
}
