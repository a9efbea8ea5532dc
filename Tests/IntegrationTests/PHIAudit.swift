import Foundation
import TestSupport

/// The log grep: no patient name, patient ID, birth date or report sentence in any daemon log of
/// the test run. Each test audits the logs of every launch it made against what it fed.
enum PHIAudit {
    /// The needles found in `logs` (empty when the logs are clean), named by file, never printed
    /// with the surrounding line (that line would itself leak into the test output).
    static func leaks(in logFiles: [URL], needles: [String]) -> [String] {
        var found: [String] = []
        for file in logFiles {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            for needle in needles where !needle.isEmpty && text.contains(needle) {
                found.append("\(file.lastPathComponent): a protected value of \(needle.count) characters")
            }
        }
        return found
    }
}
