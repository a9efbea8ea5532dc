public import Evidence
import Foundation

/// A report's extracted evidence as stored in the index (`extractions` family, by report key):
/// the full items (spans, severity, confidence) that `GET /v1/reports/{key}` returns, and which
/// extractor produced them. The report text itself lives in the `ReportRecord`.
public struct ReportExtraction: Codable, Sendable, Equatable {
    public var extractor: String
    public var items: [EvidenceItem]
    public var warnings: [String]

    public init(extractor: String, items: [EvidenceItem], warnings: [String]) {
        self.extractor = extractor
        self.items = items
        self.warnings = warnings
    }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? [UInt8](encoder.encode(self))) ?? []
    }

    public static func decode(_ bytes: [UInt8]) -> ReportExtraction? {
        try? JSONDecoder().decode(ReportExtraction.self, from: Data(bytes))
    }
}
