import Foundation

/// The API's records (docs/api.md) as tests and benchmarks read them: only the fields they check,
/// decoded leniently so that fields the daemon adds later do not break them.
public enum DaemonAPI {
    /// `GET /v1/instances/{uid}` and one line of `GET /v1/export?what=instances`.
    public struct Instance: Decodable, Sendable {
        public var sopInstanceUID: String
        public var studyInstanceUID: String
        public var receivedAt: Timestamp?
        /// When the instance became searchable (its vectors committed).
        public var indexedAt: Timestamp?
        /// A vector exists for the served model.
        public var indexed: Bool?
        public var pairedReport: String?
        public var matchedBy: String?
        public var sourcePath: String?

        enum CodingKeys: String, CodingKey {
            case sopInstanceUID = "sop_instance_uid", studyInstanceUID = "study_instance_uid", receivedAt = "received_at"
            case indexedAt = "indexed_at", indexed, pairedReport = "paired_report", matchedBy = "matched_by", sourcePath = "source_path"
        }
    }

    /// `GET /v1/reports/{key}` and one line of `GET /v1/export?what=reports`.
    public struct Report: Decodable, Sendable {
        public var key: String
        public var accessionNumber: String?
        public var studyInstanceUID: String?
        public var pairedStudy: String?
        public var matchedBy: String?

        enum CodingKeys: String, CodingKey {
            case key, accessionNumber = "accession_number", studyInstanceUID = "study_instance_uid"
            case pairedStudy = "paired_study", matchedBy = "matched_by"
        }
    }

    /// `POST /v1/search`.
    public struct SearchResults: Decodable, Sendable {
        public struct Hit: Decodable, Sendable {
            public var id: String
            public var kind: String
            public var score: Double
            public var studyInstanceUID: String?

            enum CodingKeys: String, CodingKey { case id, kind, score, studyInstanceUID = "study_instance_uid" }
        }

        public var modelVersion: String?
        public var queryKind: String?
        public var results: [Hit]

        enum CodingKeys: String, CodingKey { case modelVersion = "model_version", queryKind = "query_kind", results }
    }

    /// `GET /v1/quarantine`.
    public struct Quarantine: Decodable, Sendable {
        public struct Item: Decodable, Sendable {
            public var id: String
            public var reason: String
            public var detail: String?
        }

        public var items: [Item]
    }

    /// A time the API reports either as seconds since 1970 or as an ISO 8601 string.
    public struct Timestamp: Decodable, Sendable, Comparable {
        public var secondsSince1970: Double

        public init(secondsSince1970: Double) { self.secondsSince1970 = secondsSince1970 }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let seconds = try? c.decode(Double.self) {
                secondsSince1970 = seconds
                return
            }
            let text = try c.decode(String.self)
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text) {
                secondsSince1970 = date.timeIntervalSince1970
            } else if let seconds = Double(text) {
                secondsSince1970 = seconds
            } else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a timestamp")
            }
        }

        public static func < (a: Self, b: Self) -> Bool { a.secondsSince1970 < b.secondsSince1970 }
    }
}
