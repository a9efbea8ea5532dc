/// Mean of learned table rows selected by bucket ids: the fastText-like text encoder's input
/// layer, and (with one id per bag) a plain embedding lookup.
public final class HashedEmbeddingBag {
    public let buckets: Int, dimension: Int
    public let table: Parameter
    private var bags: [[Int32]] = []

    public init(name: String, buckets: Int, dimension: Int, std: Float = 0.1, rng: inout SeededRandom) {
        self.buckets = buckets
        self.dimension = dimension
        table = Parameter("\(name).table", Initializer.normal([buckets, dimension], std: std, rng: &rng), decays: false)
    }

    public var parameters: [Parameter] { [table] }

    /// `[bags.count, dimension]`; an empty bag gives a zero vector. Ids are reduced modulo `buckets`.
    public func forward(_ bags: [[Int32]]) -> Tensor {
        self.bags = bags.map { $0.map { Int32(Int(UInt32(bitPattern: $0)) % buckets) } }
        let y = Tensor(zeros: [bags.count, dimension])
        let d = dimension, t = table.value.ptr
        for (b, ids) in self.bags.enumerated() where !ids.isEmpty {
            let dst = y.ptr + b * d, w = 1 / Float(ids.count)
            for id in ids {
                let row = t + Int(id) * d
                for i in 0..<d { dst[i] += row[i] * w }
            }
        }
        return y
    }

    /// Scatters `dy` into the table gradient (ids repeat: contributions add).
    public func backward(_ dy: Tensor) {
        let d = dimension, g = table.grad.ptr
        for (b, ids) in bags.enumerated() where !ids.isEmpty {
            let src = dy.ptr + b * d, w = 1 / Float(ids.count)
            for id in ids {
                let row = g + Int(id) * d
                for i in 0..<d { row[i] += src[i] * w }
            }
        }
    }
}

/// Text → bucket ids: lower-cased words (letters and digits) and word bigrams, hashed with
/// 64-bit FNV-1a, so any phrase (also unseen at training time) maps into the table.
public enum HashedTokenizer {
    /// Bumped whenever tokenisation or hashing changes; stored in checkpoints.
    public static let version = "fnv1a64-words-bigrams-v1"

    public static func words(_ text: String) -> [String] {
        var out: [String] = []
        var cur = ""
        for ch in text.lowercased().unicodeScalars {
            if ch.properties.isAlphabetic || ("0"..."9").contains(ch) { cur.unicodeScalars.append(ch) } else if !cur.isEmpty {
                out.append(cur)
                cur = ""
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    public static func buckets(_ text: String, buckets: Int) -> [Int32] {
        let w = words(text)
        var ids: [Int32] = []
        ids.reserveCapacity(2 * w.count)
        for (i, word) in w.enumerated() {
            ids.append(Int32(hash(word) % UInt64(buckets)))
            if i > 0 { ids.append(Int32(hash(w[i - 1] + " " + word) % UInt64(buckets))) }
        }
        return ids
    }

    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }
}
