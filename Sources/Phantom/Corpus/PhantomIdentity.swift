internal import Foundation

/// Identifiers and demographics of one study, all derived from (seed, index) so they are stable
/// across runs and thread counts. UIDs are `uidRoot.seed.(index+1)[.series[.instance]]`.
public struct PhantomIdentity: Sendable, Codable, Equatable {
    public var studyInstanceUID: String
    public var seriesInstanceUID: String
    public var sopInstanceUID: String
    public var accessionNumber: String
    public var patientID: String
    /// A pseudonym: synthetic, never a real person's name.
    public var patientName: String
    public var patientSex: String
    public var patientBirthDate: String
    public var age: Int
    /// YYYYMMDD, HHMMSS.
    public var studyDate: String
    public var studyTime: String

    static let surnames = [
        "ALDER", "BIRCH", "CEDAR", "DUNE", "ELM", "FERN", "GROVE", "HAZEL", "IRIS", "JUNIPER", "KESTREL", "LARCH",
        "MAPLE", "NETTLE", "OAK", "PINE", "QUINCE", "ROWAN", "SPRUCE", "THORN", "UMBER", "VALE", "WILLOW", "YARROW",
        "ASPEN", "BRACKEN", "CLOVER", "DAISY", "EMBER", "FINCH", "GORSE", "HEATH", "LINDEN", "MOSS", "REED", "SORREL",
    ]
    static let given = [
        "ALEX", "BLAIR", "CASEY", "DREW", "EDEN", "FRANKIE", "GLEN", "HARPER", "INDY", "JORDAN", "KAI", "LOGAN", "MORGAN",
        "NOEL", "OAKLEY", "PARKER", "QUINN", "REESE", "SAGE", "TAYLOR", "UMA", "VAL", "WREN", "YAEL", "ROBIN", "SKY",
    ]

    static func isValidRoot(_ root: String) -> Bool {
        guard !root.isEmpty, root.utf8.count <= 30 else { return false }
        return root.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { c in
            !c.isEmpty && c.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } && !(c.count > 1 && c.first == "0")
        }
    }

    static func make(root: String, seed: UInt64, index: Int, female: Bool) -> PhantomIdentity {
        var rng = PhantomRandom(seed: seed, UInt64(index), 7)
        let study = "\(root).\(seed).\(index + 1)"
        let seedTag = PhantomRandom.mix(seed) % 100_000
        let accession = "PH" + pad(Int(seedTag), 5) + pad(index, 7)
        let patientID = "PHP" + pad(Int(rng.next() % 1_000_000_000), 9)
        let name = "\(rng.pick(surnames))^\(rng.pick(given))"
        let day = rng.int(0...729)
        var components = DateComponents()
        components.year = 2024
        components.month = 1
        components.day = 1 + day
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: components) ?? Date(timeIntervalSince1970: 1_704_067_200)
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let y = parts.year ?? 2024
        let studyDate = pad(y, 4) + pad(parts.month ?? 1, 2) + pad(parts.day ?? 1, 2)
        let age = rng.int(18...94)
        let birth = pad(y - age, 4) + pad(rng.int(1...12), 2) + pad(rng.int(1...28), 2)
        let time = pad(rng.int(0...23), 2) + pad(rng.int(0...59), 2) + pad(rng.int(0...59), 2)
        return PhantomIdentity(
            studyInstanceUID: study, seriesInstanceUID: study + ".1", sopInstanceUID: study + ".1.1",
            accessionNumber: accession, patientID: patientID, patientName: name, patientSex: female ? "F" : "M",
            patientBirthDate: birth, age: age, studyDate: studyDate, studyTime: time)
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
