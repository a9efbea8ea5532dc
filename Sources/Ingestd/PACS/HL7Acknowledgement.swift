import Foundation

/// An HL7 v2 original-mode acknowledgement (`ACK`), written with the standard `|^~\&`.
///
/// `AA` = durably queued; `AE` = the message content is wrong (resending it unchanged will not
/// help); `AR` = rejected for reasons other than content: unsupported message type, or the report
/// could not be stored (the sender should retry later).
struct HL7Acknowledgement: Sendable, Equatable {
    enum Code: String, Sendable { case accept = "AA", error = "AE", reject = "AR" }

    /// HL7 table 0357 error condition codes used in ERR-3.
    enum Condition: Int, Sendable {
        case segmentSequenceError = 100
        case requiredFieldMissing = 101
        case unsupportedMessageType = 200
        case applicationInternalError = 207

        var text: String {
            switch self {
            case .segmentSequenceError: "Segment sequence error"
            case .requiredFieldMissing: "Required field missing"
            case .unsupportedMessageType: "Unsupported message type"
            case .applicationInternalError: "Application internal error"
            }
        }
    }

    var code: Code
    /// Why, for AE/AR (MSA-3 and ERR-8); never patient data or report text.
    var reason: String?
    var condition: Condition?

    static let accepted = HL7Acknowledgement(code: .accept)

    /// The ACK for `header` (nil when the message had no usable MSH: the ACK then names no
    /// control id). `now` and `controlID` are parameters so tests are deterministic.
    func encoded(replyingTo header: HL7MessageHeader?, now: Date = Date(), controlID: String) -> [UInt8] {
        func echo(_ raw: [UInt8]?) -> String {
            guard let raw, let header else { return "" }
            let text = String(decoding: raw, as: UTF8.self)
            // A sender with other separators: echo only the first component, re-escaped.
            if header.usesStandardEncoding { return text.contains("\r") || text.contains("\n") ? "" : text }
            let first = raw.split(separator: header.encodingCharacters[0], omittingEmptySubsequences: false).first.map(Array.init) ?? []
            return Self.escape(String(decoding: first, as: UTF8.self))
        }
        let sendingApp = echo(header?.receivingApplication).isEmpty ? "INGESTD" : echo(header?.receivingApplication)
        let trigger = header?.messageType.dropFirst().first ?? ""
        let version = header.map { $0.version.isEmpty ? "2.5" : Self.escape($0.version) } ?? "2.5"
        let processing = header.map { $0.processingID.isEmpty ? "P" : Self.escape($0.processingID) } ?? "P"
        var segments: [String] = []
        segments.append([
            "MSH", "^~\\&", sendingApp, echo(header?.receivingFacility), echo(header?.sendingApplication), echo(header?.sendingFacility),
            Self.timestamp(now), "", "ACK^\(Self.escape(trigger))^ACK", controlID, processing, version,
        ].joined(separator: "|"))
        var msa = ["MSA", code.rawValue, Self.escape(header?.controlID ?? "")]
        if let reason { msa.append(Self.escape(reason)) }
        segments.append(msa.joined(separator: "|"))
        if code != .accept {
            let condition = self.condition ?? .applicationInternalError
            let severity = "E"
            segments.append(["ERR", "", "", "\(condition.rawValue)^\(condition.text)^HL70357", severity, "", "", "", Self.escape(reason ?? "")].joined(separator: "|"))
        }
        return Array((segments.joined(separator: "\r") + "\r").utf8)
    }

    /// Escapes the standard delimiters (HL7 v2 §2.7) and drops segment breaks.
    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "\\": out += "\\E\\"
            case "|": out += "\\F\\"
            case "^": out += "\\S\\"
            case "~": out += "\\R\\"
            case "&": out += "\\T\\"
            case "\r", "\n": out += " "
            default: out.append(ch)
            }
        }
        return out
    }

    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d%02d%02d%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
