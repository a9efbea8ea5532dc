public import Index

/// `GET /v1/quarantine`: every input set aside, with its reason.
public struct QuarantineResponse: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var id: String
        public var reason: String
        public var detail: String
        public var recordedAt: Double

        public init(_ r: QuarantineRecord) {
            id = r.id
            reason = r.reason
            detail = r.detail
            recordedAt = r.recordedAt
        }

        enum CodingKeys: String, CodingKey {
            case id, reason, detail, recordedAt = "recorded_at"
        }
    }

    public var items: [Item]

    public init(items: [Item]) {
        self.items = items
    }
}

/// `POST /v1/quarantine/{id}/retry`.
public struct RetryResponse: Codable, Sendable, Equatable {
    public var id: String
    public var requeued: Bool

    public init(id: String, requeued: Bool) {
        self.id = id
        self.requeued = requeued
    }
}
