/// The MSH fields an acknowledgement needs, read without interpreting the rest of the message
/// (the report itself is parsed by `Evidence.HL7ReportParser`).
struct HL7MessageHeader: Sendable, Equatable {
    var fieldSeparator: UInt8
    var encodingCharacters: [UInt8]
    /// MSH-3 … MSH-6, raw (as encoded by the sender).
    var sendingApplication: [UInt8]
    var sendingFacility: [UInt8]
    var receivingApplication: [UInt8]
    var receivingFacility: [UInt8]
    /// MSH-9 components, e.g. ["ORU", "R01", "ORU_R01"].
    var messageType: [String]
    /// MSH-10.
    var controlID: String
    /// MSH-11 first component (P, T, D).
    var processingID: String
    /// MSH-12 first component.
    var version: String

    /// Whether the sender uses the standard `|^~\&`, so raw fields can be echoed unchanged.
    var usesStandardEncoding: Bool {
        fieldSeparator == UInt8(ascii: "|") && encodingCharacters.starts(with: Array("^~\\&".utf8))
    }

    /// Reads the first segment; nil when the message does not start with a usable MSH.
    init?(message: [UInt8]) {
        guard message.count >= 8, message[0] == UInt8(ascii: "M"), message[1] == UInt8(ascii: "S"), message[2] == UInt8(ascii: "H") else {
            return nil
        }
        let separator = message[3]
        guard separator != 0x0D, separator != 0x0A, !Self.isAlphanumeric(separator) else { return nil }
        let end = message.firstIndex { $0 == 0x0D || $0 == 0x0A } ?? message.count
        // In MSH the separator itself is field 1, so fields[i] is MSH-(i+1) from index 1 on.
        let fields = message[3..<end].split(separator: separator, omittingEmptySubsequences: false).dropFirst().map(Array.init)
        guard let encoding = fields.first, encoding.count >= 2, !encoding.contains(separator) else { return nil }
        func field(_ n: Int) -> [UInt8] { n - 2 < fields.count ? fields[n - 2] : [] }
        func components(_ n: Int) -> [String] {
            field(n).split(separator: encoding[0], omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        }
        fieldSeparator = separator
        encodingCharacters = encoding
        sendingApplication = field(3)
        sendingFacility = field(4)
        receivingApplication = field(5)
        receivingFacility = field(6)
        messageType = components(9)
        controlID = String(decoding: field(10), as: UTF8.self)
        processingID = components(11).first ?? ""
        version = components(12).first ?? ""
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
    }
}
