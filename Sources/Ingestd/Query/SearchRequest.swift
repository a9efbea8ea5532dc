/// `POST /v1/search`: one query (free text, an indexed image, or an image file), what to search,
/// how many results, and evidence filters.
public struct SearchRequest: Codable, Sendable, Equatable {
    public var text: String?
    public var sopInstanceUID: String?
    public var file: String?
    /// `images` (default for text), `reports` (default for an image) or `all`.
    public var target: String?
    /// 1…1000, default 10.
    public var k: Int?
    public var filters: Filters?

    public init(text: String? = nil, sopInstanceUID: String? = nil, file: String? = nil, target: String? = nil, k: Int? = nil, filters: Filters? = nil) {
        self.text = text
        self.sopInstanceUID = sopInstanceUID
        self.file = file
        self.target = target
        self.k = k
        self.filters = filters
    }

    enum CodingKeys: String, CodingKey {
        case text, sopInstanceUID = "sop_instance_uid", file, target, k, filters
    }

    /// Evidence filters; every condition that is set must hold.
    public struct Filters: Codable, Sendable, Equatable {
        public var findings: [FindingCondition]?
        public var modality: String?
        /// `yyyymmdd` or `yyyy-mm-dd`, inclusive.
        public var dateFrom: String?
        public var dateTo: String?
        public var paired: Bool?

        public init(findings: [FindingCondition]? = nil, modality: String? = nil, dateFrom: String? = nil, dateTo: String? = nil, paired: Bool? = nil) {
            self.findings = findings
            self.modality = modality
            self.dateFrom = dateFrom
            self.dateTo = dateTo
            self.paired = paired
        }

        enum CodingKeys: String, CodingKey {
            case findings, modality, dateFrom = "date_from", dateTo = "date_to", paired
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            findings = try c.decodeIfPresent([FindingCondition].self, forKey: .findings)
            modality = try c.decodeIfPresent(String.self, forKey: .modality)
            dateFrom = try Self.decodeDate(c, .dateFrom)
            dateTo = try Self.decodeDate(c, .dateTo)
            paired = try c.decodeIfPresent(Bool.self, forKey: .paired)
        }

        /// Dates may come as a JSON number (20240131) or a string.
        private static func decodeDate(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> String? {
            if let n = try? c.decodeIfPresent(Int.self, forKey: key) { return String(n) }
            return try c.decodeIfPresent(String.self, forKey: key)
        }
    }

    /// "finding F is present (default) / absent / uncertain, optionally at location L".
    public struct FindingCondition: Codable, Sendable, Equatable {
        public var finding: String
        public var presence: String?
        public var location: String?

        public init(finding: String, presence: String? = nil, location: String? = nil) {
            self.finding = finding
            self.presence = presence
            self.location = location
        }
    }
}
