import Foundation

extension IngestdConfiguration {
    /// The DICOM C-STORE SCP (`[dicom]`). Port 0 keeps it off; it listens on loopback unless told
    /// otherwise because what it receives is PHI.
    public struct DICOMNetwork: Sendable, Equatable, Codable {
        /// TCP port; 0 = off.
        public var port: Int
        /// IPv4 address to listen on.
        public var bindAddress: String
        /// Our AE title; associations calling another title are rejected.
        public var aeTitle: String
        /// Calling AE titles allowed to store; empty = any.
        public var allowedCallingAETitles: [String]
        /// Largest PDU we accept (bytes, 4096…131072); larger PDUs mean fewer round trips.
        public var maxPDU: Int
        /// Seconds to wait for association negotiation.
        public var acseTimeoutSeconds: Int
        /// Seconds an association may stay idle, and the limit for each DIMSE read.
        public var dimseTimeoutSeconds: Int
        /// Concurrent associations (a PACS opens a few in parallel); more wait until one ends.
        public var maxAssociations: Int

        public init(
            port: Int = 0, bindAddress: String = "127.0.0.1", aeTitle: String = "INGESTD", allowedCallingAETitles: [String] = [],
            maxPDU: Int = 65_536, acseTimeoutSeconds: Int = 30, dimseTimeoutSeconds: Int = 60, maxAssociations: Int = 16
        ) {
            self.port = port
            self.bindAddress = bindAddress
            self.aeTitle = aeTitle
            self.allowedCallingAETitles = allowedCallingAETitles
            self.maxPDU = maxPDU
            self.acseTimeoutSeconds = acseTimeoutSeconds
            self.dimseTimeoutSeconds = dimseTimeoutSeconds
            self.maxAssociations = maxAssociations
        }

        public var isEnabled: Bool { port != 0 }

        enum CodingKeys: String, CodingKey {
            case port, bindAddress = "bind_address", aeTitle = "ae_title", allowedCallingAETitles = "allowed_calling_ae_titles"
            case maxPDU = "max_pdu", acseTimeoutSeconds = "acse_timeout_seconds", dimseTimeoutSeconds = "dimse_timeout_seconds"
            case maxAssociations = "max_associations"
        }

        public init(from decoder: any Decoder) throws {
            let d = Self()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            port = try c.decodeIfPresent(Int.self, forKey: .port) ?? d.port
            bindAddress = try c.decodeIfPresent(String.self, forKey: .bindAddress) ?? d.bindAddress
            aeTitle = try c.decodeIfPresent(String.self, forKey: .aeTitle) ?? d.aeTitle
            allowedCallingAETitles = try c.decodeIfPresent([String].self, forKey: .allowedCallingAETitles) ?? d.allowedCallingAETitles
            maxPDU = try c.decodeIfPresent(Int.self, forKey: .maxPDU) ?? d.maxPDU
            acseTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .acseTimeoutSeconds) ?? d.acseTimeoutSeconds
            dimseTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .dimseTimeoutSeconds) ?? d.dimseTimeoutSeconds
            maxAssociations = try c.decodeIfPresent(Int.self, forKey: .maxAssociations) ?? d.maxAssociations
        }
    }

    /// The HL7 v2 MLLP listener (`[mllp]`). Port 0 keeps it off.
    public struct MLLP: Sendable, Equatable, Codable {
        public var port: Int
        public var bindAddress: String
        /// Largest message (between the MLLP start and end bytes); a larger frame closes the connection.
        public var maxMessageBytes: Int

        public init(port: Int = 0, bindAddress: String = "127.0.0.1", maxMessageBytes: Int = 1 << 20) {
            self.port = port
            self.bindAddress = bindAddress
            self.maxMessageBytes = maxMessageBytes
        }

        public var isEnabled: Bool { port != 0 }

        enum CodingKeys: String, CodingKey {
            case port, bindAddress = "bind_address", maxMessageBytes = "max_message_bytes"
        }

        public init(from decoder: any Decoder) throws {
            let d = Self()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            port = try c.decodeIfPresent(Int.self, forKey: .port) ?? d.port
            bindAddress = try c.decodeIfPresent(String.self, forKey: .bindAddress) ?? d.bindAddress
            maxMessageBytes = try c.decodeIfPresent(Int.self, forKey: .maxMessageBytes) ?? d.maxMessageBytes
        }
    }

    /// Problems in `[dicom]` and `[mllp]`, appended to the whole configuration's list.
    func pacsProblems() -> [ConfigurationError.Problem] {
        var problems: [ConfigurationError.Problem] = []
        func bad(_ key: String, _ message: String) { problems.append(.init(key: key, message: message)) }

        if !(0...65_535).contains(dicom.port) { bad("dicom.port", "must be between 0 (off) and 65535, got \(dicom.port)") }
        if !Self.isIPv4Address(dicom.bindAddress) { bad("dicom.bind_address", "must be an IPv4 address such as \"127.0.0.1\", got \"\(dicom.bindAddress)\"") }
        if let problem = Self.aeTitleProblem(dicom.aeTitle) { bad("dicom.ae_title", problem) }
        for (i, title) in dicom.allowedCallingAETitles.enumerated() {
            if let problem = Self.aeTitleProblem(title) { bad("dicom.allowed_calling_ae_titles[\(i)]", problem) }
        }
        if !(4_096...131_072).contains(dicom.maxPDU) { bad("dicom.max_pdu", "must be between 4096 and 131072, got \(dicom.maxPDU)") }
        if !(1...3_600).contains(dicom.acseTimeoutSeconds) { bad("dicom.acse_timeout_seconds", "must be between 1 and 3600") }
        if !(1...86_400).contains(dicom.dimseTimeoutSeconds) { bad("dicom.dimse_timeout_seconds", "must be between 1 and 86400") }
        if !(1...256).contains(dicom.maxAssociations) { bad("dicom.max_associations", "must be between 1 and 256") }

        if !(0...65_535).contains(mllp.port) { bad("mllp.port", "must be between 0 (off) and 65535, got \(mllp.port)") }
        if !Self.isIPv4Address(mllp.bindAddress) { bad("mllp.bind_address", "must be an IPv4 address such as \"127.0.0.1\", got \"\(mllp.bindAddress)\"") }
        if !(256...(64 << 20)).contains(mllp.maxMessageBytes) { bad("mllp.max_message_bytes", "must be between 256 and 67108864") }
        if dicom.port != 0, dicom.port == mllp.port, dicom.bindAddress == mllp.bindAddress {
            bad("mllp.port", "is the same as dicom.port")
        }
        return problems
    }

    /// A DICOM AE title: 1…16 characters of the default character repertoire, no backslash or
    /// control characters, not only spaces.
    static func aeTitleProblem(_ title: String) -> String? {
        let trimmed = title.trimmingCharacters(in: .init(charactersIn: " "))
        if trimmed.isEmpty { return "must not be empty" }
        if title.utf8.count > 16 { return "must be at most 16 characters" }
        if title.utf8.contains(where: { $0 < 0x20 || $0 > 0x7E || $0 == UInt8(ascii: "\\") }) {
            return "must be printable ASCII without a backslash"
        }
        return nil
    }

    static func isIPv4Address(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            part.count >= 1 && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) <= 255
        }
    }
}
