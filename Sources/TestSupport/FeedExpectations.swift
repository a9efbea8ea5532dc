public import Phantom

/// What the daemon must report for a fully ingested phantom feed, from the truth alone.
public struct FeedExpectations: Sendable {
    /// SOPInstanceUIDs of every image (one instance per image study).
    public var instances: Set<String>
    /// Report keys (`acc:<AccessionNumber>`; every phantom report carries its accession).
    public var reportKeys: Set<String>
    /// Report key → the StudyInstanceUID it must be paired with.
    public var pairs: [String: String]
    /// StudyInstanceUID → the report key it must be paired with.
    public var studyReports: [String: String]
    public var studies: Int
    public var unpairedStudies: Int
    public var unpairedReports: Int

    public init(truth: [PhantomTruthRecord]) {
        var instances = Set<String>()
        var keys = Set<String>()
        var pairs: [String: String] = [:]
        var studyReports: [String: String] = [:]
        var studies = 0
        var unpairedStudies = 0
        var unpairedReports = 0
        for r in truth {
            let key = "acc:\(r.accession)"
            if r.hasImage {
                instances.insert(r.sopInstanceUID)
                studies += 1
            }
            if r.hasReport { keys.insert(key) }
            switch (r.hasImage, r.hasReport) {
            case (true, true):
                pairs[key] = r.studyInstanceUID
                studyReports[r.studyInstanceUID] = key
            case (true, false): unpairedStudies += 1
            case (false, true): unpairedReports += 1
            case (false, false): break
            }
        }
        self.instances = instances
        self.reportKeys = keys
        self.pairs = pairs
        self.studyReports = studyReports
        self.studies = studies
        self.unpairedStudies = unpairedStudies
        self.unpairedReports = unpairedReports
    }
}
