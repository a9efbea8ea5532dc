/// The deterministic, offline extractor: vocabulary matching with negation and uncertainty scope.
///
/// Per diagnostic section it splits sentences, matches vocabulary phrases longest-first, and
/// decides each mention's presence from the nearest trigger: a pre-trigger ("no", "without",
/// "possible") scopes forward up to ``preScopeTokens`` tokens, a post-trigger ("is not seen",
/// "cannot be excluded") backward up to ``postScopeTokens``; scope ends at a terminator ("but",
/// "however", "although", "there is", …), a pseudo-trigger ("no change", "not only") or the
/// sentence end. Subjects with qualifiers ("heart size is normal", "lungs are clear") and normal
/// statements ("no acute cardiopulmonary abnormality") give absent items and `no_finding`.
/// Locations and severity come from the same clause, attached to the nearest mention.
public struct RuleExtractor: Sendable {
    let lexicon: Lexicon
    /// `rules@<vocabulary version>`.
    public let source: String
    static let preScopeTokens = 14
    static let postScopeTokens = 8

    public init(vocabulary: Vocabulary) {
        lexicon = Lexicon(vocabulary)
        source = "rules@\(vocabulary.version)"
    }

    public var vocabulary: Vocabulary { lexicon.vocabulary }

    struct Event {
        var start: Int32  // token index
        var end: Int32
        var entry: Int32
    }

    struct Mention {
        var finding: Int16
        var firstTok: Int32
        var lastTok: Int32  // exclusive
        /// Where trigger scanning starts (the later of subject and qualifier).
        var anchorStart: Int32
        var anchorEnd: Int32
        var qualifier: Lexicon.QualifierKind?
        var subject: Int16 = -1
        var laterality: Set<String> = []
        var zones: [String] = []
        var severity: Severity?
        var spanStart: Int32
        var spanEnd: Int32
    }

    /// Items for every diagnostic section of `report`, ordered by span.
    public func items(for report: Report) -> [EvidenceItem] {
        var text = report.text
        return text.withUTF8 { bytes in
            var items: [EvidenceItem] = []
            var tokens: [Token] = []
            tokens.reserveCapacity(256)
            let offsets = ScalarOffsets(bytes)
            for section in report.sections where section.kind.isDiagnostic && !section.utf8Range.isEmpty {
                tokens.removeAll(keepingCapacity: true)
                let r = section.utf8Range.clamped(to: 0..<bytes.count)
                Tokenizer.tokenize(bytes, range: r, into: &tokens)
                tokens.withUnsafeBufferPointer { tb in
                    var s = 0
                    while s < tb.count {
                        var e = s
                        while e < tb.count && tb[e].kind != .sentenceEnd { e += 1 }
                        if e > s { sentence(tb, s, e, offsets, &items) }
                        s = e + 1
                    }
                }
            }
            resolveNoFinding(&items)
            items.sort { ($0.span[0], $0.span[1], $0.finding) < ($1.span[0], $1.span[1], $1.finding) }
            return items
        }
    }

    private func resolveNoFinding(_ items: inout [EvidenceItem]) {
        let noFinding = "no_finding"
        guard items.contains(where: { $0.finding == noFinding }) else { return }
        let abnormal = items.contains { item in
            guard item.presence != .absent, item.finding != noFinding,
                let i = lexicon.findingIDs.firstIndex(of: item.finding)
            else { return false }
            return lexicon.pathology[i]
        }
        if abnormal { items.removeAll { $0.finding == noFinding && $0.presence == .present } }
    }

    private func sentence(
        _ t: UnsafeBufferPointer<Token>, _ s: Int, _ e: Int, _ offsets: ScalarOffsets, _ items: inout [EvidenceItem]
    ) {
        var events: [Event] = []
        var i = s
        while i < e {
            if let m = lexicon.match(t, at: i, limit: e) {
                let n = lexicon.entries[Int(m)].hashes.count
                events.append(Event(start: Int32(i), end: Int32(i + n), entry: m))
                i += n
            } else {
                i += 1
            }
        }
        guard !events.isEmpty else { return }
        let entries = lexicon.entries

        // Clause index of each token: commas, colons and brackets end a clause.
        func clause(_ tok: Int32) -> Int {
            var c = 0
            var k = s
            while k < Int(tok) { if t[k].kind == .clauseEnd { c += 1 }; k += 1 }
            return c
        }

        var mentions: [Mention] = []
        var usedQualifiers = Set<Int>()
        for (ei, ev) in events.enumerated() {
            let entry = entries[Int(ev.entry)]
            if entry.finding >= 0 {
                mentions.append(Mention(
                    finding: entry.finding, firstTok: ev.start, lastTok: ev.end, anchorStart: ev.start, anchorEnd: ev.end,
                    qualifier: nil, spanStart: ev.start, spanEnd: ev.end))
            } else if entry.subject >= 0 {
                // The nearest qualifier of this subject in the same clause, after it first.
                let c = clause(ev.start)
                var best: (Int, Lexicon.QualifierKind)?
                var k = ei + 1
                while k < events.count, clause(events[k].start) == c {
                    if let q = entries[Int(events[k].entry)].qualifiers.first(where: { $0.0 == entry.subject }), !usedQualifiers.contains(k) {
                        best = (k, q.1)
                        break
                    }
                    if entries[Int(events[k].entry)].subject >= 0 { break }
                    k += 1
                }
                if best == nil {
                    k = ei - 1
                    while k >= 0, clause(events[k].start) == c {
                        if let q = entries[Int(events[k].entry)].qualifiers.first(where: { $0.0 == entry.subject }), !usedQualifiers.contains(k) {
                            best = (k, q.1)
                            break
                        }
                        if entries[Int(events[k].entry)].subject >= 0 || entries[Int(events[k].entry)].finding >= 0 { break }
                        k -= 1
                    }
                }
                guard let (qk, kind) = best else { continue }
                usedQualifiers.insert(qk)
                let q = events[qk]
                let first = min(ev.start, q.start)
                let last = max(ev.end, q.end)
                let later = q.start > ev.start ? q : ev
                mentions.append(Mention(
                    finding: lexicon.subjectFinding[Int(entry.subject)], firstTok: first, lastTok: last,
                    anchorStart: later.start, anchorEnd: later.end, qualifier: kind, subject: entry.subject,
                    spanStart: first, spanEnd: last))
            } else if entry.normalStatement >= 0 {
                let span = offsets.span(Int(t[Int(ev.start)].start), Int(t[Int(ev.end) - 1].end))
                if lexicon.noFinding >= 0 {
                    items.append(EvidenceItem(
                        finding: "no_finding", presence: .present, span: span, source: source, confidence: 0.85))
                }
                for f in lexicon.normalAbsent[Int(entry.normalStatement)] {
                    items.append(EvidenceItem(
                        finding: lexicon.findingIDs[Int(f)], presence: .absent, span: span, source: source, confidence: 0.85))
                }
            }
        }
        guard !mentions.isEmpty else { return }

        // Modifiers attach to the nearest mention in the same segment (clause, cut at terminators).
        var segment = [Int](repeating: 0, count: e - s)
        do {
            var seg = 0
            var evIndex = 0
            var k = s
            while k < e {
                if t[k].kind == .clauseEnd { seg += 1 }
                while evIndex < events.count && Int(events[evIndex].end) <= k { evIndex += 1 }
                if evIndex < events.count, Int(events[evIndex].start) == k,
                    entries[Int(events[evIndex].entry)].roles.contains(.terminator),
                    entries[Int(events[evIndex].entry)].finding < 0
                {
                    seg += 1
                }
                segment[k - s] = seg
                k += 1
            }
        }
        // Tokens covered by modifiers do not count as distance ("right upper lobe pneumonia").
        var modifierToken = [Bool](repeating: false, count: e - s)
        for ev in events where entries[Int(ev.entry)].isModifier {
            for k in Int(ev.start)..<Int(ev.end) { modifierToken[k - s] = true }
        }
        func gap(_ a: Int32, _ b: Int32) -> Int {
            var n = 0
            var k = Int(a)
            while k < Int(b) { if !modifierToken[k - s] { n += 1 }; k += 1 }
            return n
        }
        for ev in events {
            let entry = entries[Int(ev.entry)]
            guard entry.isModifier, entry.finding < 0, entry.subject < 0 else { continue }
            let seg = segment[Int(ev.start) - s]
            var best = -1
            var bestDistance = Int.max
            for (mi, m) in mentions.enumerated() where segment[Int(m.firstTok) - s] == seg || segment[Int(m.lastTok - 1) - s] == seg {
                // Inside the mention (a qualifier pair spans it) counts as distance 0.
                let d: Int
                if ev.start >= m.firstTok && ev.end <= m.lastTok { d = 0 }
                else if ev.end <= m.firstTok { d = gap(ev.end, m.firstTok) * 2 }  // modifiers usually precede
                else { d = (gap(m.lastTok, ev.start) + 2) * 2 + 1 }
                if d < bestDistance { bestDistance = d; best = mi }
            }
            guard best >= 0 else { continue }
            if let l = entry.laterality { mentions[best].laterality.insert(l) }
            for z in entry.zones where !mentions[best].zones.contains(z) { mentions[best].zones.append(z) }
            if let sv = entry.severity, mentions[best].severity == nil { mentions[best].severity = sv }
            mentions[best].spanStart = min(mentions[best].spanStart, ev.start)
            mentions[best].spanEnd = max(mentions[best].spanEnd, ev.end)
        }

        for m in mentions {
            var presence: Presence
            var confidence: Double
            var spanStart = m.spanStart
            var spanEnd = m.spanEnd
            switch m.qualifier {
            case .normal?:
                presence = .absent
                confidence = 0.85
            case .equivocal?:
                presence = .uncertain
                confidence = 0.5
            default:
                let decision = scope(events, m)
                presence = decision.presence
                if let ts = decision.triggerStart { spanStart = min(spanStart, ts) }
                if let te = decision.triggerEnd { spanEnd = max(spanEnd, te) }
                switch (decision.presence, decision.hedged) {
                case (.uncertain, _): confidence = 0.6
                case (_, true): confidence = 0.75
                default: confidence = m.qualifier == nil ? 0.9 : 0.8
                }
            }
            let span = offsets.span(Int(t[Int(spanStart)].start), Int(t[Int(spanEnd) - 1].end))
            let locations = Self.orderedLocations(m.laterality, m.zones)
            items.append(EvidenceItem(
                finding: lexicon.findingIDs[Int(m.finding)], presence: presence, locations: locations,
                severity: m.severity, span: span, source: source, confidence: confidence))
            if m.qualifier == .normal, lexicon.noFinding >= 0 {
                // A normal heart or clear lungs states "no finding" unless a pathology is found elsewhere.
                items.append(EvidenceItem(finding: "no_finding", presence: .present, span: span, source: source, confidence: 0.7))
            }
            if m.qualifier == .normal, m.subject >= 0 {
                for f in lexicon.subjectAbsentAlso[Int(m.subject)] {
                    items.append(EvidenceItem(
                        finding: lexicon.findingIDs[Int(f)], presence: .absent, span: span, source: source, confidence: 0.8))
                }
            }
        }
    }

    struct ScopeDecision {
        var presence: Presence
        /// Where the deciding pre-trigger starts (it becomes part of the span).
        var triggerStart: Int32?
        /// Where the deciding post-trigger ends ("… is not seen").
        var triggerEnd: Int32?
        /// Asserted with a hedge ("probable", "most likely"): present, lower confidence.
        var hedged = false
    }

    /// Presence of a mention from the nearest trigger in scope.
    private func scope(_ events: [Event], _ m: Mention) -> ScopeDecision {
        let entries = lexicon.entries
        // Pre-triggers: walk back from the anchor.
        var k = events.count - 1
        while k >= 0 && events[k].start >= m.anchorStart { k -= 1 }
        while k >= 0 {
            let ev = events[k]
            if Int(m.anchorStart - ev.end) > Self.preScopeTokens { break }
            let entry = entries[Int(ev.entry)]
            if entry.roles.contains(.pseudo) { break }
            if entry.roles.contains(.negationPre) || entry.normalStatement >= 0 { return ScopeDecision(presence: .absent, triggerStart: ev.start) }
            if entry.roles.contains(.uncertaintyPre) { return ScopeDecision(presence: .uncertain, triggerStart: ev.start) }
            if entry.roles.contains(.probablePre) { return ScopeDecision(presence: .present, triggerStart: ev.start, hedged: true) }
            if entry.roles.contains(.terminator) { break }
            // "No effusion seen, small nodule": a closer right after another mention ends the scope.
            if entry.roles.contains(.closer), k > 0, entries[Int(events[k - 1].entry)].finding >= 0,
                ev.start == events[k - 1].end
            {
                break
            }
            k -= 1
        }
        // Post-triggers: walk forward from the anchor's end.
        for ev in events where ev.start >= m.anchorEnd {
            if Int(ev.start - m.anchorEnd) > Self.postScopeTokens { break }
            let entry = entries[Int(ev.entry)]
            if entry.roles.contains(.negationPost) { return ScopeDecision(presence: .absent, triggerEnd: ev.end) }
            if entry.roles.contains(.uncertaintyPost) { return ScopeDecision(presence: .uncertain, triggerEnd: ev.end) }
            if entry.roles.contains(.probablePost) { return ScopeDecision(presence: .present, triggerEnd: ev.end, hedged: true) }
            if entry.roles.contains(.pseudo) || entry.roles.contains(.terminator) { break }
            if entry.roles.contains(.negationPre) || entry.roles.contains(.uncertaintyPre) { break }
        }
        return ScopeDecision(presence: .present)
    }

    static func orderedLocations(_ laterality: Set<String>, _ zones: [String]) -> [String] {
        var out: [String] = []
        if laterality.contains("bilateral") || (laterality.contains("left") && laterality.contains("right")) {
            out.append("bilateral")
        } else if let l = laterality.first {
            out.append(l)
        }
        out.append(contentsOf: zones)
        return out
    }
}
