internal import Foundation
internal import DataFormats

/// The on-disk form of a `VectorIndex`: everything needed to resume without re-inserting, plus
/// the log sequence it covers, the store it belongs to and a checksum over all of it.
///
/// Layout: `IGHNSW02`, u32 header length, JSON header, then levels, layer-0 links, upper links,
/// rows, tombstones, labels, quantiser scales; trailer u64 checksum of everything before it and
/// `IGHNSWEN`. Written with temp file + fsync + rename, so a crash leaves the old file or the new
/// one; a torn or foreign file fails the checksum or the header checks and is rebuilt.
enum HNSWCheckpoint {
    static let magic = Array("IGHNSW02".utf8)
    static let trailerMagic = Array("IGHNSWEN".utf8)

    struct Header: Codable, Equatable {
        var storeID: String
        var modelVersion: String
        var kind: String
        var dim: Int
        var metric: String
        var m: Int
        var efConstruction: Int
        var efSearch: Int
        var count: Int
        var entryPoint: Int32
        var maxLevel: Int
        /// Vector-log sequence number this checkpoint reflects (replay starts after it).
        var appliedSequence: UInt64
        /// RocksDB's sequence number when it was taken (diagnostics).
        var rocksSequence: UInt64
        var upperCount: Int
        var quantized: Bool
    }

    static func fileURL(directory: URL, space: VectorSpace) -> URL {
        let hex = space.modelVersion.utf8.map { String(format: "%02x", $0) }.joined()
        return directory.appendingPathComponent("\(hex).\(space.kind.rawValue).hnsw")
    }

    static func encode(_ state: VectorIndexState, space: VectorSpace, storeID: String, rocksSequence: UInt64) throws(IndexError) -> [UInt8] {
        let g = state.graph
        let upper = g.upperFlat()
        let header = Header(
            storeID: storeID, modelVersion: space.modelVersion, kind: space.kind.rawValue, dim: g.dim, metric: state.metric.rawValue,
            m: g.parameters.m, efConstruction: g.parameters.efConstruction, efSearch: g.parameters.efSearch, count: g.count,
            entryPoint: g.entryPoint, maxLevel: g.maxLevel, appliedSequence: state.appliedSequence, rocksSequence: rocksSequence,
            upperCount: upper.count, quantized: g.quantizer != nil)
        let json: Data
        do { json = try JSONEncoder().encode(header) } catch {
            throw IndexError(.io, input: space.description, "cannot encode checkpoint header")
        }
        var out = magic
        ByteCodec.appendLE32(UInt32(json.count), to: &out)
        out.append(contentsOf: json)
        out.append(contentsOf: UnsafeBufferPointer(start: g.levels, count: g.count))
        UnsafeRawBufferPointer(start: g.links0, count: g.count * g.linkStride0 * 4).withMemoryRebound(to: UInt8.self) { out.append(contentsOf: $0) }
        upper.withUnsafeBytes { out.append(contentsOf: $0) }
        UnsafeRawBufferPointer(start: g.vectors, count: g.count * g.dim * 4).withMemoryRebound(to: UInt8.self) { out.append(contentsOf: $0) }
        out.append(contentsOf: state.deleted)
        for l in state.labels {
            ByteCodec.appendLE32(UInt32(l.utf8.count), to: &out)
            out.append(contentsOf: l.utf8)
        }
        if let q = g.quantizer { ByteCodec.appendFloats(q.scales, to: &out) }
        let sum = out.withUnsafeBytes { StableHash.checksum($0) }
        ByteCodec.appendLE64(sum, to: &out)
        out.append(contentsOf: trailerMagic)
        return out
    }

    static func write(_ state: VectorIndexState, space: VectorSpace, storeID: String, rocksSequence: UInt64, to url: URL) throws(IndexError) {
        let bytes = try encode(state, space: space, storeID: storeID, rocksSequence: rocksSequence)
        do { try AtomicFile.write(bytes, to: url) } catch {
            throw IndexError(.io, input: url.path, "cannot write checkpoint: \(error.message)")
        }
    }

    /// Why a checkpoint was not used.
    enum Rejection: Error, Equatable {
        case missing
        case torn(String)
        case stale(String)
    }

    /// Decodes and validates a checkpoint; `expect` holds what the store says it must match.
    static func load(
        from url: URL, storeID: String, space: VectorSpace, metric: VectorMetric, parameters: HNSWParameters, dim: Int, maxSequence: UInt64
    ) -> Result<VectorIndexState, Rejection> {
        guard let data = FileManager.default.contents(atPath: url.path) else { return .failure(.missing) }
        let b = [UInt8](data)
        guard b.count >= magic.count + 4 + 16, Array(b.prefix(8)) == magic, Array(b.suffix(8)) == trailerMagic else {
            return .failure(.torn("bad magic or truncated"))
        }
        let body = b.count - 16
        let stored = ByteReader(b, offset: body).bytes[body..<(body + 8)].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) }
        let actual = b.withUnsafeBytes { StableHash.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<body])) }
        guard stored == actual else { return .failure(.torn("checksum mismatch")) }
        var r = ByteReader(Array(b[0..<body]), offset: 8)
        guard let hl = r.u32(), let hb = r.take(Int(hl)), let header = try? JSONDecoder().decode(Header.self, from: Data(hb)) else {
            return .failure(.torn("header does not decode"))
        }
        guard header.storeID == storeID else { return .failure(.stale("checkpoint belongs to another store")) }
        guard header.modelVersion == space.modelVersion, header.kind == space.kind.rawValue, header.dim == dim,
              header.metric == metric.rawValue, header.m == parameters.m, header.efConstruction == parameters.efConstruction
        else { return .failure(.stale("checkpoint parameters differ from the store's")) }
        guard header.appliedSequence <= maxSequence else {
            return .failure(.stale("checkpoint covers sequence \(header.appliedSequence), store only has \(maxSequence)"))
        }
        let n = header.count
        let g = HNSWGraph(dim: dim, parameters: parameters, capacity: max(n, 16))
        guard n >= 0, let levels = r.take(n), let links = r.take(n * g.linkStride0 * 4), let upper = r.take(header.upperCount * 4),
              let rows = r.take(n * dim * 4), let deleted = r.take(n)
        else { return .failure(.torn("sections truncated")) }
        var labels: [String] = []
        labels.reserveCapacity(n)
        for _ in 0..<n {
            guard let l = r.string() else { return .failure(.torn("labels truncated")) }
            labels.append(l)
        }
        var scales: [Float]?
        if header.quantized {
            guard let s = r.floats(dim) else { return .failure(.torn("quantiser truncated")) }
            scales = s
        }
        guard r.remaining == 0 else { return .failure(.torn("trailing bytes")) }
        let linkArray = Array(links).withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
        let upperArray = Array(upper).withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
        let rowArray = Array(rows).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let levelArray = Array(levels)
        let ok = levelArray.withUnsafeBufferPointer { lv in
            linkArray.withUnsafeBufferPointer { l0 in
                upperArray.withUnsafeBufferPointer { uf in
                    rowArray.withUnsafeBufferPointer { vs in
                        g.restore(count: n, entryPoint: header.entryPoint, maxLevel: header.maxLevel, levels: lv, links0: l0, upperFlat: uf, vectors: vs)
                    }
                }
            }
        }
        guard ok else { return .failure(.torn("graph arrays inconsistent")) }
        if let scales { g.enableQuantization(ScalarQuantizer(scales: scales)) }
        return .success(VectorIndexState(metric: metric, graph: g, labels: labels, deleted: Array(deleted), appliedSequence: header.appliedSequence))
    }
}
