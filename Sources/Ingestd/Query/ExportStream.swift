import Foundation
import Index
import Logging
import NIOCore

/// `GET /v1/export?what=…`: NDJSON, one record per line, read from the store a page at a time
/// and written as it is read, so an export of any size holds one page in memory.
struct ExportStream: Sendable {
    enum What: String, Sendable, CaseIterable {
        case instances, reports, pairs, quarantine, vectors
    }

    let engine: QueryEngine
    let what: What
    static let pageSize = 256

    /// Pair rows: `{study_instance_uid, report_key, matched_by}`.
    struct PairRow: Encodable, Sendable {
        var studyInstanceUID: String
        var reportKey: String
        var matchedBy: String

        enum CodingKeys: String, CodingKey {
            case studyInstanceUID = "study_instance_uid", reportKey = "report_key", matchedBy = "matched_by"
        }
    }

    /// Vector rows: `{id, model_version, kind, vector}` (stored, not normalised).
    struct VectorRow: Encodable, Sendable {
        var id: String
        var modelVersion: String
        var kind: String
        var vector: [Float]

        enum CodingKeys: String, CodingKey {
            case id, modelVersion = "model_version", kind, vector
        }
    }

    /// Calls `emit` with each page's NDJSON bytes until the family is exhausted.
    func pages(_ emit: (ByteBuffer) async throws -> Void) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let store = engine.store
        func lines(_ rows: [some Encodable]) throws -> ByteBuffer {
            var buffer = ByteBuffer()
            for row in rows {
                buffer.writeBytes(try encoder.encode(row))
                buffer.writeInteger(UInt8(ascii: "\n"))
            }
            return buffer
        }
        switch what {
        case .vectors:
            let version = engine.context.models.current.version
            for kind in VectorKind.allCases {
                let space = VectorSpace(modelVersion: version, kind: kind)
                var after: String? = nil
                while true {
                    let last = after
                    let page = try await Offload.run { () throws(IndexError) in try store.vectorPage(space: space, after: last, limit: Self.pageSize) }
                    guard let lastID = page.last?.id else { break }
                    after = lastID
                    try await emit(try lines(page.map { VectorRow(id: $0.id, modelVersion: version, kind: kind.rawValue, vector: $0.vector) }))
                }
            }
        case .instances:
            try await records(.instances, as: InstanceRecord.self) { page throws(APIError) in try page.map { (r) throws(APIError) in try engine.instanceResponse(r) } }
                emit: { try await emit(try lines($0)) }
        case .reports:
            var after: String? = nil
            while true {
                let last = after
                let page = try await Offload.run { () throws(IndexError) in try store.recordPage(.reports, after: last, limit: Self.pageSize, as: ReportRecord.self) }
                guard let lastKey = page.last?.key else { break }
                after = lastKey
                var rows: [ReportResponse] = []
                for (_, record) in page {
                    let pair = try await Offload.run { () throws(APIError) in try engine.pairOf(report: record) }
                    rows.append(ReportResponse(record: record, pair: pair, evidence: await engine.evidenceItems(record)))
                }
                try await emit(try lines(rows))
            }
        case .pairs:
            try await records(.pairs, as: PairRecord.self) { page throws(APIError) in
                page.map { PairRow(studyInstanceUID: $0.studyInstanceUID, reportKey: $0.reportKey, matchedBy: InstanceResponse.name(of: $0.matchedBy)) }
            } emit: { try await emit(try lines($0)) }
        case .quarantine:
            try await records(.quarantine, as: QuarantineRecord.self) { page throws(APIError) in page.map(QuarantineResponse.Item.init) }
                emit: { try await emit(try lines($0)) }
        }
    }

    private func records<R: StoreRecord, Row: Encodable & Sendable>(
        _ family: ColumnFamily, as: R.Type, rows: @escaping @Sendable ([R]) throws(APIError) -> [Row], emit: ([Row]) async throws -> Void
    ) async throws {
        let store = engine.store
        var after: String? = nil
        while true {
            let last = after
            let page = try await Offload.run { () throws(APIError) -> (String?, [Row]) in
                let page = try indexCall { () throws(IndexError) in try store.recordPage(family, after: last, limit: Self.pageSize, as: R.self) }
                return (page.last?.key, try rows(page.map(\.record)))
            }
            guard let lastKey = page.0 else { return }
            after = lastKey
            try await emit(page.1)
        }
    }
}
