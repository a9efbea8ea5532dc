import Ingestd
import Testing
import TestSupport

extension Integration {
    /// The status counts equal what the truth says, with `quarantined` files set aside.
    static func expectCounts(_ counts: PipelineSnapshot, _ expected: FeedExpectations, quarantined: Int) {
        #expect(counts.instances == expected.instances.count)
        #expect(counts.studies == expected.studies)
        #expect(counts.reports == expected.reportKeys.count)
        #expect(counts.pairs == expected.pairs.count)
        #expect(counts.unpairedStudies == expected.unpairedStudies)
        #expect(counts.unpairedReports == expected.unpairedReports)
        #expect(counts.quarantined == quarantined)
    }

    /// Exactly once, by the records themselves: every SOPInstanceUID and every report key once,
    /// none missing, none unexpected; each report and instance paired as the truth says.
    static func exportExactlyOnce(_ daemon: DaemonProcess, _ expected: FeedExpectations) throws -> (instances: [DaemonAPI.Instance], reports: [DaemonAPI.Report]) {
        let instances = try daemon.export("instances", as: DaemonAPI.Instance.self)
        let uids = instances.map(\.sopInstanceUID)
        #expect(uids.count == Set(uids).count, "duplicate instances: \(uids.count - Set(uids).count)")
        #expect(Set(uids) == expected.instances, "missing \(expected.instances.subtracting(uids).count), unexpected \(Set(uids).subtracting(expected.instances).count)")
        let reports = try daemon.export("reports", as: DaemonAPI.Report.self)
        let keys = reports.map(\.key)
        #expect(keys.count == Set(keys).count, "duplicate reports: \(keys.count - Set(keys).count)")
        #expect(Set(keys) == expected.reportKeys, "lost \(expected.reportKeys.subtracting(keys).count) reports")
        let wrongReports = reports.filter { $0.pairedStudy != expected.pairs[$0.key] }.count
        #expect(wrongReports == 0, "\(wrongReports) reports paired differently from the truth")
        let wrongInstances = instances.filter { $0.pairedReport != expected.studyReports[$0.studyInstanceUID] }.count
        #expect(wrongInstances == 0, "\(wrongInstances) instances paired differently from the truth")
        return (instances, reports)
    }
}
