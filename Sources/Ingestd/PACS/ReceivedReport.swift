public import Evidence

/// One ORU^R01 received over MLLP, handed to a ``ReportSink`` before the sender gets its ACK.
public struct ReceivedReport: Sendable {
    /// File-safe identity: the accession when there is one, else the message control id.
    public var key: String
    public var accession: String?
    public var studyInstanceUID: String?
    public var messageControlID: String
    /// The HL7 message exactly as received, without the MLLP framing bytes.
    public var message: [UInt8]
    /// The report as `Evidence` parsed it (carries PHI: never log it).
    public var report: Report

    public init(key: String, accession: String?, studyInstanceUID: String?, messageControlID: String, message: [UInt8], report: Report) {
        self.key = key
        self.accession = accession
        self.studyInstanceUID = studyInstanceUID
        self.messageControlID = messageControlID
        self.message = message
        self.report = report
    }
}

/// Queues a received report durably and returns only then; a throw turns the ACK into `AR`
/// (the sender should retry later).
public typealias ReportSink = @Sendable (ReceivedReport) async throws -> Void
