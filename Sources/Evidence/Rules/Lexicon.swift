/// The vocabulary compiled for matching: every phrase as a token-hash sequence with its roles.
///
/// A phrase may play several roles at once ("versus" is a pre- and a post-uncertainty trigger,
/// "bibasilar" is both a laterality and a zone); matching is longest-first at each token.
struct Lexicon: Sendable {
    struct Roles: OptionSet, Sendable {
        let rawValue: UInt16
        static let negationPre = Roles(rawValue: 1 << 0)
        static let negationPost = Roles(rawValue: 1 << 1)
        static let uncertaintyPre = Roles(rawValue: 1 << 2)
        static let uncertaintyPost = Roles(rawValue: 1 << 3)
        static let pseudo = Roles(rawValue: 1 << 4)
        static let terminator = Roles(rawValue: 1 << 5)
        static let probablePre = Roles(rawValue: 1 << 6)
        static let probablePost = Roles(rawValue: 1 << 7)
        static let closer = Roles(rawValue: 1 << 8)
    }

    enum QualifierKind: UInt8, Sendable {
        case abnormal, normal, equivocal
    }

    struct Entry: Sendable {
        var hashes: [UInt64]
        var roles: Roles = []
        var finding: Int16 = -1
        var subject: Int16 = -1
        /// (subject index, kind) pairs this phrase qualifies.
        var qualifiers: [(Int16, QualifierKind)] = []
        var normalStatement: Int16 = -1
        var laterality: String?
        var zones: [String] = []
        var severity: Severity?

        var isModifier: Bool { laterality != nil || !zones.isEmpty || severity != nil }
    }

    let vocabulary: Vocabulary
    private(set) var entries: [Entry] = []
    /// First-token hash → entry indices, longest phrase first.
    private(set) var byFirst: [UInt64: [Int32]] = [:]
    let findingIDs: [String]
    let pathology: [Bool]
    let subjectFinding: [Int16]
    let subjectAbsentAlso: [[Int16]]
    let normalAbsent: [[Int16]]
    let noFinding: Int16

    init(_ v: Vocabulary) {
        vocabulary = v
        findingIDs = v.findings.map(\.id)
        pathology = v.findings.map(\.pathology)
        var index: [String: Int16] = [:]
        for (i, f) in v.findings.enumerated() { index[f.id] = Int16(i) }
        subjectFinding = v.subjects.map { index[$0.finding] ?? -1 }
        subjectAbsentAlso = v.subjects.map { ($0.absent_also ?? []).compactMap { index[$0] } }
        normalAbsent = v.normal_statements.map { $0.absent.compactMap { index[$0] } }
        noFinding = index["no_finding"] ?? -1

        var table: [[UInt64]: Entry] = [:]
        func add(_ phrase: String, plural: Bool = false, _ update: (inout Entry) -> Void) {
            var variants = [phrase]
            if plural { variants += Self.plurals(of: phrase) }
            for p in variants {
                let h = Tokenizer.phraseHashes(p)
                guard !h.isEmpty else { continue }
                var e = table[h] ?? Entry(hashes: h)
                update(&e)
                table[h] = e
            }
        }
        for (i, f) in v.findings.enumerated() {
            for s in f.synonyms { add(s, plural: true) { $0.finding = Int16(i) } }
        }
        for (i, s) in v.subjects.enumerated() {
            for p in s.phrases { add(p, plural: true) { $0.subject = Int16(i) } }
            for p in s.abnormal { add(p) { $0.qualifiers.append((Int16(i), .abnormal)) } }
            for p in s.normal { add(p) { $0.qualifiers.append((Int16(i), .normal)) } }
            for p in s.equivocal ?? [] { add(p) { $0.qualifiers.append((Int16(i), .equivocal)) } }
        }
        for (i, n) in v.normal_statements.enumerated() { add(n.phrase) { $0.normalStatement = Int16(i) } }
        let t = v.triggers
        for p in t.negation_pre { add(p) { $0.roles.insert(.negationPre) } }
        for p in t.negation_post { add(p) { $0.roles.insert(.negationPost) } }
        for p in t.uncertainty_pre { add(p) { $0.roles.insert(.uncertaintyPre) } }
        for p in t.uncertainty_post { add(p) { $0.roles.insert(.uncertaintyPost) } }
        for p in t.probable_pre ?? [] { add(p) { $0.roles.insert(.probablePre) } }
        for p in t.probable_post ?? [] { add(p) { $0.roles.insert(.probablePost) } }
        for p in t.pseudo { add(p) { $0.roles.insert(.pseudo) } }
        for p in t.terminators { add(p) { $0.roles.insert(.terminator) } }
        for p in t.neutral ?? [] { add(p) { _ in } }
        for p in t.closers ?? [] { add(p) { $0.roles.insert(.closer) } }
        for (name, phrases) in v.modifiers.laterality { for p in phrases { add(p) { $0.laterality = name } } }
        for (name, phrases) in v.modifiers.zone {
            for p in phrases { add(p) { if !$0.zones.contains(name) { $0.zones.append(name) } } }
        }
        for (name, phrases) in v.modifiers.severity {
            if let s = Severity(rawValue: name) { for p in phrases { add(p) { $0.severity = s } } }
        }
        // Deterministic order: longest first, then by hashes.
        entries = table.values.sorted {
            $0.hashes.count != $1.hashes.count ? $0.hashes.count > $1.hashes.count : $0.hashes.lexicographicallyPrecedes($1.hashes)
        }
        for (i, e) in entries.enumerated() { byFirst[e.hashes[0], default: []].append(Int32(i)) }
    }

    /// Plural (and singular) variants of a phrase's last word: -s, -es, -is→-es, -y→-ies.
    static func plurals(of phrase: String) -> [String] {
        guard let last = phrase.split(separator: " ").last, last.count > 3 else { return [] }
        let head = phrase.dropLast(last.count)
        var out: [String] = []
        if last.hasSuffix("sis") { out.append(head + last.dropLast(2) + "es") }
        else if last.hasSuffix("y") { out.append(head + last.dropLast() + "ies") }
        else if last.hasSuffix("s") || last.hasSuffix("x") { out.append(head + last + "es") }
        else { out.append(head + last + "s") }
        return out
    }

    /// The longest entry matching at `tokens[i]`, or nil; `limit` is the end of the sentence.
    @inline(__always)
    func match(_ tokens: UnsafeBufferPointer<Token>, at i: Int, limit: Int) -> Int32? {
        guard let candidates = byFirst[tokens[i].hash] else { return nil }
        for c in candidates {
            let h = entries[Int(c)].hashes
            if i + h.count > limit { continue }
            var k = 1
            while k < h.count && tokens[i + k].hash == h[k] { k += 1 }
            if k == h.count { return c }
        }
        return nil
    }
}
