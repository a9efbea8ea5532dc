public import Foundation

/// The versioned finding vocabulary and trigger lexicon (`Resources/vocabulary.json`).
///
/// One data file holds the canonical finding ids with synonyms and variants, the mapping to the 14
/// ChestX-ray14 labels, the negation/uncertainty lexicon, location and severity modifiers, and
/// normal statements; the rule extractor and the LLM validator both read it, and its `version`
/// goes into every rule item's `source`.
public struct Vocabulary: Codable, Sendable {
    public struct Finding: Codable, Sendable {
        public var id: String
        /// ChestX-ray14 label this finding counts as, if any.
        public var chestxray14: String?
        public var chexpert: String?
        /// Whether a present mention rules out "no finding".
        public var pathology: Bool
        public var synonyms: [String]
    }

    /// A noun that states a finding only with a qualifier in the same clause ("heart size is enlarged",
    /// "lungs are clear").
    public struct Subject: Codable, Sendable {
        public var finding: String
        public var phrases: [String]
        public var abnormal: [String]
        public var normal: [String]
        public var equivocal: [String]?
        /// Findings also stated absent by a normal qualifier ("lungs are clear" → no consolidation …).
        public var absent_also: [String]?
    }

    public struct NormalStatement: Codable, Sendable {
        public var phrase: String
        public var absent: [String]
    }

    public struct Triggers: Codable, Sendable {
        public var negation_pre: [String]
        public var negation_post: [String]
        public var uncertainty_pre: [String]
        public var uncertainty_post: [String]
        /// Hedges that still assert the finding ("probable", "most likely"): present, lower confidence.
        public var probable_pre: [String]?
        public var probable_post: [String]?
        public var pseudo: [String]
        public var terminators: [String]
        /// Phrases that must match as a whole so their words do not act as triggers ("to suggest").
        public var neutral: [String]?
        /// Words that close a negated list when they follow a mention ("no effusion seen, small nodule").
        public var closers: [String]?
    }

    public struct Modifiers: Codable, Sendable {
        public var laterality: [String: [String]]
        public var zone: [String: [String]]
        public var severity: [String: [String]]
    }

    public var version: String
    public var findings: [Finding]
    public var subjects: [Subject]
    public var normal_statements: [NormalStatement]
    public var triggers: Triggers
    public var modifiers: Modifiers

    /// The 14 ChestX-ray14 labels, in the order of the NIH/NegBio files.
    public static let chestXray14Labels = [
        "Atelectasis", "Cardiomegaly", "Effusion", "Infiltration", "Mass", "Nodule", "Pneumonia",
        "Pneumothorax", "Consolidation", "Edema", "Emphysema", "Fibrosis", "Pleural_Thickening", "Hernia",
    ]

    /// The vocabulary shipped with the module.
    public static func bundled() throws(EvidenceError) -> Vocabulary {
        guard let url = Bundle.module.url(forResource: "vocabulary", withExtension: "json", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: "vocabulary", withExtension: "json")
        else {
            throw EvidenceError(.vocabulary, input: "vocabulary.json", "resource missing from the bundle")
        }
        return try load(contentsOf: url)
    }

    public static func load(contentsOf url: URL) throws(EvidenceError) -> Vocabulary {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EvidenceError(.io, input: url.lastPathComponent, "cannot read vocabulary")
        }
        return try decode(data, input: url.lastPathComponent)
    }

    public static func decode(_ data: Data, input: String) throws(EvidenceError) -> Vocabulary {
        let v: Vocabulary
        do { v = try JSONDecoder().decode(Vocabulary.self, from: data) } catch {
            throw EvidenceError(.vocabulary, input: input, "invalid vocabulary: \(error)")
        }
        try v.validate(input: input)
        return v
    }

    func validate(input: String) throws(EvidenceError) {
        var ids = Set<String>()
        for f in findings {
            guard ids.insert(f.id).inserted else {
                throw EvidenceError(.vocabulary, input: input, "duplicate finding id \(f.id)")
            }
            if let l = f.chestxray14, !Self.chestXray14Labels.contains(l) {
                throw EvidenceError(.vocabulary, input: input, "finding \(f.id) maps to unknown ChestX-ray14 label \(l)")
            }
        }
        for s in subjects {
            for id in [s.finding] + (s.absent_also ?? []) where !ids.contains(id) {
                throw EvidenceError(.vocabulary, input: input, "subject refers to unknown finding \(id)")
            }
        }
        for n in normal_statements {
            for id in n.absent where !ids.contains(id) {
                throw EvidenceError(.vocabulary, input: input, "normal statement refers to unknown finding \(id)")
            }
        }
        guard ids.contains("no_finding") else {
            throw EvidenceError(.vocabulary, input: input, "vocabulary lacks no_finding")
        }
    }

    /// Finding ids in vocabulary order.
    public var findingIDs: [String] { findings.map(\.id) }

    /// The ChestX-ray14 label a finding counts as, or nil.
    public func chestXray14Label(of finding: String) -> String? {
        findings.first { $0.id == finding }?.chestxray14
    }
}
