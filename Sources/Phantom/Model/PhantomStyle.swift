public import Foundation

/// Everything that shapes a generated corpus besides the seed. Read from a JSON style file where
/// every key is optional; missing keys keep the defaults below.
public struct PhantomStyle: Sendable, Equatable {
    /// Share of image studies that have a report (linked by accession).
    public var pairedFraction: Double = 0.7
    /// Reports for studies that never arrive, as a multiple of the unpaired image studies.
    public var unpairedReportRatio: Double = 1.0
    /// Share of studies with no finding at all.
    public var normalFraction: Double = 0.35
    /// Per-finding prevalence multipliers, keyed by canonical id (e.g. "pleural_effusion": 2).
    public var prevalence: [String: Double] = [:]
    public var difficulty: PhantomDifficulty = .hard
    /// 0 = acquisition and report wording independent of findings; 1 = portable AP technique,
    /// burned-in markers and annotations strongly track abnormal studies.
    public var confounderStrength: Double = 0.6
    /// Extra multiplier on detector noise (on top of the difficulty's).
    public var noise: Double = 1.0
    public var phrasing: PhantomPhrasing = PhantomPhrasing()
    public var imageSize: Int = 512
    /// "raw", "jpegls", "rle" or "mixed".
    public var transferSyntax: String = "mixed"
    /// Share of DX (the rest is CR).
    public var dxFraction: Double = 0.7
    /// Share of CR images stored as MONOCHROME1.
    public var monochrome1Fraction: Double = 0.15
    /// Share of reports that also carry the StudyInstanceUID (JSON field, HL7 ZDS segment).
    public var studyUIDInReportFraction: Double = 0.5
    public var bitsStored: Int = 12
    /// Every UID is `uidRoot.seed.index.level`.
    public var uidRoot: String = "2.25.81204731590316"

    public init() {}

    /// Parses a style file. Unknown keys are rejected so that a typo does not silently do nothing.
    public static func load(from url: URL) throws(PhantomError) -> PhantomStyle {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw PhantomError(.io, input: url.path, "cannot read style file")
        }
        return try parse(data, name: url.lastPathComponent)
    }

    public static func parse(_ data: Data, name: String = "style") throws(PhantomError) -> PhantomStyle {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw PhantomError(.invalidStyle, input: name, "style must be a JSON object")
        }
        var s = PhantomStyle()
        func number(_ key: String, _ range: ClosedRange<Double>) throws(PhantomError) -> Double? {
            guard let v = object[key] else { return nil }
            guard let d = (v as? NSNumber)?.doubleValue, range.contains(d) else {
                throw PhantomError(.invalidStyle, input: name, "\(key) must be a number in \(range)")
            }
            return d
        }
        let known: Set<String> = [
            "pairedFraction", "unpairedReportRatio", "normalFraction", "prevalence", "difficulty", "confounderStrength",
            "noise", "phrasing", "imageSize", "transferSyntax", "dxFraction", "monochrome1Fraction",
            "studyUIDInReportFraction", "bitsStored", "uidRoot",
        ]
        if let unknown = object.keys.first(where: { !known.contains($0) }) {
            throw PhantomError(.invalidStyle, input: name, "unknown key \(unknown)")
        }
        if let v = try number("pairedFraction", 0...1) { s.pairedFraction = v }
        if let v = try number("unpairedReportRatio", 0...100) { s.unpairedReportRatio = v }
        if let v = try number("normalFraction", 0...1) { s.normalFraction = v }
        if let v = try number("confounderStrength", 0...1) { s.confounderStrength = v }
        if let v = try number("noise", 0...20) { s.noise = v }
        if let v = try number("imageSize", 64...1024) { s.imageSize = Int(v) }
        if let v = try number("dxFraction", 0...1) { s.dxFraction = v }
        if let v = try number("monochrome1Fraction", 0...1) { s.monochrome1Fraction = v }
        if let v = try number("studyUIDInReportFraction", 0...1) { s.studyUIDInReportFraction = v }
        if let v = try number("bitsStored", 8...16) { s.bitsStored = Int(v) }
        if let v = object["transferSyntax"] {
            guard let t = v as? String, ["raw", "jpegls", "rle", "mixed"].contains(t) else {
                throw PhantomError(.invalidStyle, input: name, "transferSyntax must be raw, jpegls, rle or mixed")
            }
            s.transferSyntax = t
        }
        if let v = object["uidRoot"] {
            guard let t = v as? String, PhantomIdentity.isValidRoot(t) else {
                throw PhantomError(.invalidStyle, input: name, "uidRoot must be a UID of at most 30 characters")
            }
            s.uidRoot = t
        }
        if let v = object["prevalence"] {
            guard let map = v as? [String: Any] else {
                throw PhantomError(.invalidStyle, input: name, "prevalence must be an object of multipliers")
            }
            for (k, m) in map {
                guard PhantomFindingID(rawValue: k) != nil, let d = (m as? NSNumber)?.doubleValue, d >= 0, d <= 100 else {
                    throw PhantomError(.invalidStyle, input: name, "prevalence.\(k) must be a known finding id with a multiplier in 0...100")
                }
                s.prevalence[k] = d
            }
        }
        if let v = object["difficulty"] {
            if let preset = v as? String {
                guard let d = PhantomDifficulty.preset(preset) else {
                    throw PhantomError(.invalidStyle, input: name, "difficulty must be easy, medium, hard or an object")
                }
                s.difficulty = d
            } else if let map = v as? [String: Any] {
                var d = PhantomDifficulty.preset((map["preset"] as? String) ?? "hard") ?? .hard
                func f(_ k: String) throws(PhantomError) -> Double? {
                    guard let x = map[k] else { return nil }
                    guard let n = (x as? NSNumber)?.doubleValue, n >= 0, n <= 10 else {
                        throw PhantomError(.invalidStyle, input: name, "difficulty.\(k) must be a number in 0...10")
                    }
                    return n
                }
                if let x = try f("lesionContrast") { d.lesionContrast = x }
                if let x = try f("lesionSize") { d.lesionSize = x }
                if let x = try f("anatomyVariation") { d.anatomyVariation = x }
                if let x = try f("acquisitionVariation") { d.acquisitionVariation = x }
                if let x = try f("noise") { d.noise = x }
                if let x = try f("subtleFraction") { d.subtleFraction = min(1, x) }
                s.difficulty = d
            } else {
                throw PhantomError(.invalidStyle, input: name, "difficulty must be easy, medium, hard or an object")
            }
        }
        if let v = object["phrasing"] {
            guard let map = v as? [String: Any] else {
                throw PhantomError(.invalidStyle, input: name, "phrasing must be an object")
            }
            var p = PhantomPhrasing()
            for (k, x) in map {
                guard let n = (x as? NSNumber)?.doubleValue, n >= 0, n <= 1 else {
                    throw PhantomError(.invalidStyle, input: name, "phrasing.\(k) must be a number in 0...1")
                }
                switch k {
                case "impressionOnly": p.impressionOnly = n
                case "typo": p.typo = n
                case "uncertainty": p.uncertainty = n
                case "deidentificationTokens": p.deidentificationTokens = n
                case "nonDiagnostic": p.nonDiagnostic = n
                case "synonymVariety": p.synonymVariety = n
                case "negatedNormals": p.negatedNormals = n
                default: throw PhantomError(.invalidStyle, input: name, "unknown phrasing key \(k)")
                }
            }
            s.phrasing = p
        }
        return s
    }

    /// Prevalence multiplier for one finding.
    func prevalence(_ id: PhantomFindingID) -> Double { prevalence[id.rawValue] ?? 1 }
}

/// The mix of report wording.
public struct PhantomPhrasing: Sendable, Equatable {
    /// Share of reports with only an IMPRESSION section.
    public var impressionOnly: Double = 0.12
    /// Probability that a report carries one harmless typo (never inside a finding term).
    public var typo: Double = 0.05
    /// Probability of a hedged mention ("cannot exclude early pneumonia") where it fits.
    public var uncertainty: Double = 0.3
    /// Probability that indication/comparison carry `XXXX` de-identification tokens.
    public var deidentificationTokens: Double = 0.5
    /// Probability of non-diagnostic sentences (technique remarks, positioning, communication).
    public var nonDiagnostic: Double = 0.6
    /// 0 = always the first (canonical) phrase of a finding; 1 = any synonym equally.
    public var synonymVariety: Double = 1.0
    /// Probability that each common normal is stated explicitly as negated.
    public var negatedNormals: Double = 0.8

    public init() {}
}
