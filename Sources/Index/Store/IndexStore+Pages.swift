/// Bounded pages over a family or a vector space, so exports stream a large store without
/// holding it in memory: each page resumes after the last key of the previous one.
extension IndexStore {
    /// Up to `limit` records of `family` whose keys sort after `after` (from the start when nil).
    public func recordPage<R: StoreRecord>(_ family: ColumnFamily, after: String?, limit: Int, as: R.Type = R.self) throws(IndexError) -> [(key: String, record: R)] {
        var raw: [(String, [UInt8])] = []
        try database.scan(family, prefix: [], from: after.map { Array($0.utf8) + [0] }) { k, v in
            raw.append((String(decoding: k, as: UTF8.self), v))
            return raw.count < limit
        }
        var out: [(key: String, record: R)] = []
        out.reserveCapacity(raw.count)
        for (k, v) in raw { out.append((k, try RecordCodec.decode(v, as: R.self, key: family.rawValue))) }
        return out
    }

    /// Up to `limit` stored (raw) vectors of `space` whose ids sort after `after`, in id order.
    public func vectorPage(space: VectorSpace, after: String?, limit: Int) throws(IndexError) -> [(id: String, vector: [Float])] {
        let prefix = VectorKeys.valuePrefix(space)
        var out: [(id: String, vector: [Float])] = []
        try database.scan(.vectors, prefix: prefix, from: after.map { prefix + Array($0.utf8) + [0] }) { k, v in
            guard let decoded = VectorKeys.decodeValue(v) else { throw IndexError(.corrupt, input: "vectors", "stored vector does not decode") }
            out.append((String(decoding: k[prefix.count...], as: UTF8.self), decoded.vector))
            return out.count < limit
        }
        return out
    }
}

extension IndexStore {
    /// Up to `limit` keys of `family` that sort after `after`, values not copied.
    public func scanKeys(_ family: ColumnFamily, after: String?, limit: Int) throws(IndexError) -> [String] {
        var out: [String] = []
        try database.scan(family, prefix: [], from: after.map { Array($0.utf8) + [0] }) { k, _ in
            out.append(String(decoding: k, as: UTF8.self))
            return out.count < limit
        }
        return out
    }
}
