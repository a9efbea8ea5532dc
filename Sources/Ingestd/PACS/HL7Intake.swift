import Evidence
import Foundation
import Logging
import Synchronization

/// Turns one received HL7 message into its acknowledgement: parse with `Evidence`'s HL7 reader,
/// queue durably through the sink, and only then answer `AA`.
struct HL7Intake: Sendable {
    let sink: ReportSink
    let logger: Logger
    private let counter = Counter()

    init(sink: @escaping ReportSink, logger: Logger) {
        self.sink = sink
        self.logger = logger
    }

    /// The ACK bytes (without MLLP framing) for `message`.
    func acknowledgement(for message: [UInt8]) async -> [UInt8] {
        let header = HL7MessageHeader(message: message)
        let ack = await acknowledge(message, header: header)
        return ack.encoded(replyingTo: header, controlID: counter.nextControlID())
    }

    func acknowledge(_ message: [UInt8], header: HL7MessageHeader?) async -> HL7Acknowledgement {
        guard let header else {
            logger.notice("mllp.message.rejected", metadata: ["reason": "no MSH segment"])
            return HL7Acknowledgement(code: .error, reason: "message does not start with a valid MSH segment", condition: .segmentSequenceError)
        }
        let control = header.controlID
        guard !control.isEmpty else {
            logger.notice("mllp.message.rejected", metadata: ["reason": "no control id"])
            return HL7Acknowledgement(code: .error, reason: "MSH-10 message control id is missing", condition: .requiredFieldMissing)
        }
        let report: Report
        do {
            report = try HL7ReportParser.parse(message, input: "mllp")
        } catch {
            logger.notice("mllp.message.rejected", metadata: ["control_id": "\(control)", "error": "\(error.code.rawValue)"])
            switch error.code {
            case .notORU:
                return HL7Acknowledgement(code: .reject, reason: error.message, condition: .unsupportedMessageType)
            case .emptyReport:
                return HL7Acknowledgement(code: .error, reason: error.message, condition: .requiredFieldMissing)
            default:
                return HL7Acknowledgement(code: .error, reason: error.message, condition: .segmentSequenceError)
            }
        }
        guard let key = ReportKey.make(accession: report.accession, controlID: control) else {
            return HL7Acknowledgement(code: .error, reason: "no accession (OBR-3/OBR-18) and no usable control id", condition: .requiredFieldMissing)
        }
        let received = ReceivedReport(
            key: key, accession: report.accession, studyInstanceUID: report.studyInstanceUID, messageControlID: control, message: message,
            report: report)
        do {
            try await sink(received)
        } catch {
            logger.error("mllp.report.not_stored", metadata: ["control_id": "\(control)", "error": "\(error)"])
            return HL7Acknowledgement(code: .reject, reason: "the report could not be stored; retry later", condition: .applicationInternalError)
        }
        logger.info("mllp.report.queued", metadata: ["control_id": "\(control)"])
        return .accepted
    }
}

/// Message control ids for our ACKs: unique per process run.
private final class Counter: Sendable {
    private let value = Mutex<UInt64>(0)
    private let prefix = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    func nextControlID() -> String {
        let n = value.withLock { v -> UInt64 in
            v += 1
            return v
        }
        return "ING\(prefix)\(n)"
    }
}
