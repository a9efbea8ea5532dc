/// Which finding id a free-text phrase spells out: the id's words in sequence ("pleural
/// effusion" → pleural_effusion), else a word that is the head noun (last word) of exactly one
/// multi-word id ("effusion" → pleural_effusion). The longest spelled match wins.
enum FindingMention {
    static func finding(in phrase: String, among findings: [String]) -> String? {
        let words = HashedTokenizer.words(phrase)
        guard !words.isEmpty else { return nil }
        var best: (String, Int)? = nil
        for f in findings {
            let parts = f.split(separator: "_").map(String.init)
            guard !parts.isEmpty, parts.count <= words.count else { continue }
            for start in 0...(words.count - parts.count) where Array(words[start..<(start + parts.count)]) == parts {
                if parts.count > (best?.1 ?? 0) { best = (f, parts.count) }
            }
        }
        if let best { return best.0 }
        for w in words {
            let heads = findings.filter { f in
                let parts = f.split(separator: "_")
                return parts.count > 1 && parts.last.map(String.init) == w
            }
            if heads.count == 1 { return heads[0] }
        }
        return nil
    }
}
