import DICOM
import Evidence
import Foundation
import Index
import Logging
import Metrics

/// The API's read side: search, grounding, classification and record lookups over the index
/// and the served model, with every failure mapped to an ``APIError``.
///
/// Each request takes the current model once (`ModelHost.current`), so an answer never mixes
/// model versions. Blocking work runs through ``Offload``.
struct QueryEngine: Sendable {
    let context: IngestdContext
    let roots: AllowedRoots
    let extractor: RuleExtractor?
    static let maxK = 1000
    static let maxTextLength = 10_000

    init(context: IngestdContext) {
        self.context = context
        roots = AllowedRoots(configuration: context.configuration)
        extractor = (try? Vocabulary.bundled()).map { RuleExtractor(vocabulary: $0) }
    }

    var store: IndexStore { context.store }

    // MARK: Search

    func search(_ request: SearchRequest) async throws(APIError) -> SearchResponse {
        let model = context.models.current
        let store = self.store
        let queries = [request.text, request.sopInstanceUID, request.file].compactMap { $0 }
        guard queries.count == 1 else {
            throw APIError.badRequest("give exactly one of text, sop_instance_uid, file")
        }
        let k = request.k ?? 10
        guard (1...Self.maxK).contains(k) else {
            throw APIError.badRequest("k must be in 1...\(Self.maxK), got \(k)")
        }
        let isText = request.text != nil
        let kinds: [VectorKind]
        switch request.target ?? (isText ? "images" : "reports") {
        case "images": kinds = [.imageGlobal]
        case "reports": kinds = [.report]
        case "all": kinds = [.imageGlobal, .report]
        case let other: throw APIError.badRequest("target must be images, reports or all, got \(other)")
        }
        let filter = try searchFilter(request.filters)
        let query: [Float]
        if let text = request.text {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, text.count <= Self.maxTextLength else {
                throw APIError.badRequest("text must be non-empty and at most \(Self.maxTextLength) characters")
            }
            query = await Offload.run { model.embedText(trimmed) }
        } else if let uid = request.sopInstanceUID {
            let space = VectorSpace(modelVersion: model.version, kind: .imageGlobal)
            if let stored = try indexCall({ () throws(IndexError) in try store.storedVector(id: uid, space: space) }) {
                query = stored
            } else {
                query = try await embed(try await displayImage(for: uid, size: model.imageSize), model)
            }
        } else {
            query = try await embed(try await displayImage(file: request.file ?? "", size: model.imageSize), model)
        }
        Counter(label: "ingestd_api_queries_total", dimensions: [("kind", "search")]).increment()
        // A space that does not exist yet (nothing of that kind indexed) contributes no hits:
        // an empty answer, not an error, so clients querying during the first ingest see none.
        let spaces = kinds.map { VectorSpace(modelVersion: model.version, kind: $0) }.filter { store.vectorIndex($0) != nil }
        let results = try await Offload.run { () throws(APIError) -> [SearchResult] in
            var hits: [(SearchHit, VectorKind)] = []
            for space in spaces {
                let found = try indexCall { () throws(IndexError) in try store.search(query, space: space, k: k, filter: filter) }
                hits += found.map { ($0, space.kind) }
            }
            hits.sort { $0.0.score != $1.0.score ? $0.0.score > $1.0.score : $0.0.id < $1.0.id }
            return try hits.prefix(k).map { (hit, kind) throws(APIError) in try describe(hit, kind: kind) }
        }
        return SearchResponse(modelVersion: model.version, queryKind: isText ? "text" : "image", results: results)
    }

    private func embed(_ image: [Float], _ model: any EvidenceModel) async throws(APIError) -> [Float] {
        guard let vector = await Offload.run({ model.embedImages([image]).first }), vector.count == model.dimension else {
            throw APIError.internal("model \(model.version) did not embed the query image")
        }
        return vector
    }

    private func describe(_ hit: SearchHit, kind: VectorKind) throws(APIError) -> SearchResult {
        let facts = try indexCall { () throws(IndexError) in try store.evidence(itemID: hit.id)?.facts } ?? []
        if kind == .report {
            let study = try indexCall { () throws(IndexError) -> String? in
                if let own = try store.report(key: hit.id)?.studyInstanceUID { return own }
                return try store.pairingLookup(.studyByReport(hit.id))
            }
            return SearchResult(id: hit.id, kind: "report", score: Double(hit.score), studyInstanceUID: study, findings: facts)
        }
        let instance = try indexCall { () throws(IndexError) in try store.instance(hit.id) }
        return SearchResult(id: hit.id, kind: "image", score: Double(hit.score), studyInstanceUID: instance?.studyInstanceUID, findings: facts)
    }

    func searchFilter(_ filters: SearchRequest.Filters?) throws(APIError) -> SearchFilter? {
        guard let filters else { return nil }
        var conditions: [SearchFilter.FindingCondition] = []
        for c in filters.findings ?? [] {
            guard !c.finding.isEmpty else { throw APIError.badRequest("filters.findings: finding is empty") }
            let presence = c.presence ?? "present"
            guard let p = EvidencePresence(rawValue: presence) else {
                throw APIError.badRequest("filters.findings: presence must be present, absent or uncertain, got \(presence)")
            }
            conditions.append(.init(finding: c.finding, presence: p, location: c.location))
        }
        let filter = SearchFilter(
            findings: conditions, modality: filters.modality, dateFrom: try Self.date(filters.dateFrom, field: "date_from"),
            dateTo: try Self.date(filters.dateTo, field: "date_to"), paired: filters.paired)
        return filter.isEmpty ? nil : filter
    }

    /// `yyyymmdd` or `yyyy-mm-dd` as the integer the index compares.
    static func date(_ value: String?, field: String) throws(APIError) -> Int? {
        guard let value else { return nil }
        let digits = value.replacingOccurrences(of: "-", with: "")
        guard digits.count == 8, digits.allSatisfy(\.isASCII), let n = Int(digits), n >= 10_000_101 else {
            throw APIError.badRequest("filters.\(field) must be yyyymmdd or yyyy-mm-dd, got \(value)")
        }
        return n
    }

    // MARK: Ground and classify

    func ground(_ request: ImageQuery) async throws(APIError) -> GroundResponse {
        let model = context.models.current
        guard let phrase = request.phrase?.trimmingCharacters(in: .whitespacesAndNewlines), !phrase.isEmpty, phrase.count <= 1000 else {
            throw APIError.badRequest("phrase must be non-empty and at most 1000 characters")
        }
        let image = try await image(request, size: model.imageSize)
        Counter(label: "ingestd_api_queries_total", dimensions: [("kind", "ground")]).increment()
        let map = await Offload.run { model.groundingMap(image: image, phrase: phrase) }
        return GroundResponse(modelVersion: model.version, phrase: phrase, grounding: map)
    }

    func classify(_ request: ImageQuery) async throws(APIError) -> ClassifyResponse {
        let model = context.models.current
        let image = try await image(request, size: model.imageSize)
        Counter(label: "ingestd_api_queries_total", dimensions: [("kind", "classify")]).increment()
        let row = await Offload.run { model.evidenceScores([image]).first ?? [] }
        let scores = zip(model.findings, row).map { ClassifyResponse.Score(finding: $0, probability: Double($1)) }
            .sorted { $0.probability != $1.probability ? $0.probability > $1.probability : $0.finding < $1.finding }
        return ClassifyResponse(modelVersion: model.version, scores: scores)
    }

    private func image(_ request: ImageQuery, size: Int) async throws(APIError) -> [Float] {
        switch (request.sopInstanceUID, request.file) {
        case (let uid?, nil): return try await displayImage(for: uid, size: size)
        case (nil, let file?): return try await displayImage(file: file, size: size)
        default: throw APIError.badRequest("give exactly one of sop_instance_uid, file")
        }
    }

    // MARK: Display images

    /// The model input of an indexed instance: what the pipeline hands out, else the stored
    /// thumbnail when it has this size, else a decode of the source file, else the thumbnail
    /// resampled.
    func displayImage(for uid: String, size: Int) async throws(APIError) -> [Float] {
        if let stored = await context.pipeline.displayImage(sopInstanceUID: uid, size: size), stored.count == size * size {
            return stored
        }
        guard let record = try indexCall({ () throws(IndexError) in try store.instance(uid) }) else {
            throw APIError.notFound("no instance \(uid)")
        }
        let thumbnail = try indexCall { () throws(IndexError) in try store.thumbnail(sopInstanceUID: uid) }
        if let thumbnail, thumbnail.size == size { return thumbnail.floatPixels }
        if let path = record.sourcePath, FileManager.default.fileExists(atPath: path) {
            return try await decode(path: path, name: uid, size: size)
        }
        // The source is gone (archived elsewhere or deleted): the stored thumbnail, resampled.
        if let thumbnail { return DisplayResampler.square(thumbnail.floatPixels, from: thumbnail.size, to: size) }
        throw APIError.unavailable("instance \(uid) has no stored image and its source file is gone")
    }

    /// The model input of a DICOM file under an allowed root.
    func displayImage(file: String, size: Int) async throws(APIError) -> [Float] {
        let resolved = try roots.resolve(file)
        return try await decode(path: resolved, name: file, size: size)
    }

    private func decode(path: String, name: String, size: Int) async throws(APIError) -> [Float] {
        let maxBytes = UInt64(max(0, context.configuration.limits.maxDICOMBytes))
        let maxPixels = context.configuration.limits.maxPixels
        if let decoder = context.decoder {
            switch await decoder.decode(DecodeRequest(path: path, displaySize: size, maxBytes: maxBytes, maxPixels: maxPixels)) {
            case .success(let decoded) where decoded.pixels.count == size * size:
                return decoded.pixels
            case .success:
                throw APIError.internal("the decode worker returned an image of the wrong size for \(name)")
            case .failure(let failure) where failure.code == DecodeFailure.workerUnavailable:
                throw APIError.unavailable("no decode worker is available")
            case .failure(let failure):
                throw APIError.badRequest("\(name) is not a decodable DICOM image (\(failure.code))")
            }
        }
        let limits = DICOMLimits(maxBytes: maxBytes, maxPixels: maxPixels)
        return try await Offload.run { () throws(APIError) -> [Float] in
            do {
                return try DICOMFile(path: path, limits: limits).displayImage(size: size).pixels
            } catch let error as DICOMError {
                throw APIError.badRequest("\(name) is not a decodable DICOM image (\(error.code.rawValue))")
            } catch {
                throw APIError.badRequest("\(name) is not a decodable DICOM image")
            }
        }
    }

    // MARK: Records

    func instance(_ uid: String) throws(APIError) -> InstanceResponse {
        guard let record = try indexCall({ () throws(IndexError) in try store.instance(uid) }) else {
            throw APIError.notFound("no instance \(uid)")
        }
        return try instanceResponse(record)
    }

    func instanceResponse(_ record: InstanceRecord) throws(APIError) -> InstanceResponse {
        let version = context.models.current.version
        let store = self.store
        return try indexCall { () throws(IndexError) in
            let indexed = try store.storedVector(id: record.sopInstanceUID, space: VectorSpace(modelVersion: version, kind: .imageGlobal)) != nil
            let pair = try store.pair(studyInstanceUID: record.studyInstanceUID)
            let facts = try store.evidence(itemID: record.sopInstanceUID)?.facts ?? []
            return InstanceResponse(record: record, indexed: indexed, pair: pair, findings: facts)
        }
    }

    func report(_ key: String) async throws(APIError) -> ReportResponse {
        guard let record = try indexCall({ () throws(IndexError) in try store.report(key: key) }) else {
            throw APIError.notFound("no report \(key)")
        }
        let pair = try await Offload.run { () throws(APIError) in try pairOf(report: record) }
        return ReportResponse(record: record, pair: pair, evidence: await evidenceItems(record))
    }

    /// The study a report is paired with: through its own StudyInstanceUID or the pipeline's
    /// report → study lookup, else by scanning the pairs (kept by study).
    func pairOf(report: ReportRecord) throws(APIError) -> PairRecord? {
        let store = self.store
        return try indexCall { () throws(IndexError) -> PairRecord? in
            for study in [report.studyInstanceUID, try store.pairingLookup(.studyByReport(report.key))].compactMap({ $0 }) {
                if let pair = try store.pair(studyInstanceUID: study), pair.reportKey == report.key { return pair }
            }
            var after: String? = nil
            while true {
                let page = try store.recordPage(.pairs, after: after, limit: 512, as: PairRecord.self)
                if let hit = page.first(where: { $0.record.reportKey == report.key }) { return hit.record }
                guard page.count == 512, let last = page.last else { return nil }
                after = last.key
            }
        }
    }

    /// The report's evidence: what the pipeline stored at ingest, else the rule extractor's reading.
    func evidenceItems(_ record: ReportRecord) async -> [EvidenceItem] {
        if let items = await context.pipeline.evidenceItems(reportKey: record.key) { return items }
        if let bytes = try? store.extraction(reportKey: record.key), let stored = ReportExtraction.decode(bytes) { return stored.items }
        guard let extractor, let report = try? TextReportParser.parse(record.text, id: record.key) else { return [] }
        return extractor.items(for: report)
    }

    func quarantine() async throws(APIError) -> QuarantineResponse {
        let store = self.store
        return try await Offload.run { () throws(APIError) in
            QuarantineResponse(items: try indexCall { () throws(IndexError) in try store.quarantined() }.map(QuarantineResponse.Item.init))
        }
    }

    func retry(_ id: String) async throws(APIError) -> RetryResponse {
        guard try indexCall({ () throws(IndexError) in try store.record(.quarantine, key: id, as: QuarantineRecord.self) }) != nil else {
            throw APIError.notFound("no quarantine entry \(id)")
        }
        do {
            try await context.pipeline.requeue(quarantineID: id)
        } catch let e as RequeueError {
            switch e.code {
            case .notFound: throw APIError.notFound(e.description)
            case .notRetryable: throw APIError.badRequest(e.description)
            }
        } catch let e as APIError {
            throw e
        } catch {
            context.logger.error("api.quarantine.retry_failed", metadata: ["error.type": "\(type(of: error))"])
            throw APIError.internal("requeue of \(id) failed")
        }
        return RetryResponse(id: id, requeued: true)
    }
}

/// Runs an index call, mapping its typed error to a 500 that names the failing input.
func indexCall<T>(_ body: () throws(IndexError) -> T) throws(APIError) -> T {
    do {
        return try body()
    } catch {
        throw APIError.internal("index: \(error.code.rawValue) (\(error.input))")
    }
}
