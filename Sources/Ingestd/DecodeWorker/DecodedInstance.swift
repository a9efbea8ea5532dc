/// A decode worker's answer for a readable file: the header fields an `InstanceRecord` needs
/// (never patient attributes) and the `size × size` display image in [0, 1].
public struct DecodedInstance: Sendable, Equatable {
    public var sopInstanceUID: String
    public var studyInstanceUID: String
    public var seriesInstanceUID: String
    public var accessionNumber: String
    public var modality: String
    /// `YYYYMMDD` as stored (may be empty).
    public var studyDate: String
    public var displaySize: Int
    public var pixels: [Float]

    public init(
        sopInstanceUID: String, studyInstanceUID: String, seriesInstanceUID: String, accessionNumber: String, modality: String,
        studyDate: String, displaySize: Int, pixels: [Float]
    ) {
        self.sopInstanceUID = sopInstanceUID
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.accessionNumber = accessionNumber
        self.modality = modality
        self.studyDate = studyDate
        self.displaySize = displaySize
        self.pixels = pixels
    }
}

/// Why a file was not decoded: a DICOM error code (`not_dicom`, `truncated`, `over_limit`, …),
/// `missing_uid`, `decode_worker_crashed` or `decode_worker_unavailable`, and a message without PHI.
public struct DecodeFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static let workerCrashed = "decode_worker_crashed"
    public static let workerUnavailable = "decode_worker_unavailable"
    public static let missingUID = "missing_uid"
}

/// The response frame: `[1][6 strings][u32 size][floats]` or `[2][code][message]`.
enum DecodeResponse {
    static func encode(_ result: Result<DecodedInstance, DecodeFailure>) -> [UInt8] {
        var w = WireWriter()
        switch result {
        case .success(let d):
            w.u8(1)
            for s in [d.sopInstanceUID, d.studyInstanceUID, d.seriesInstanceUID, d.accessionNumber, d.modality, d.studyDate] { w.string(s) }
            w.u32(UInt32(clamping: d.displaySize))
            w.floats(d.pixels)
        case .failure(let f):
            w.u8(2)
            w.string(f.code)
            w.string(f.message)
        }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) -> Result<DecodedInstance, DecodeFailure>? {
        var r = WireReader(bytes)
        switch r.u8() {
        case 1:
            guard let sop = r.string(), let study = r.string(), let series = r.string(), let accession = r.string(),
                let modality = r.string(), let date = r.string(), let size = r.u32(), size <= 8192,
                let pixels = r.floats(Int(size) * Int(size)), r.remaining == 0
            else { return nil }
            return .success(DecodedInstance(
                sopInstanceUID: sop, studyInstanceUID: study, seriesInstanceUID: series, accessionNumber: accession,
                modality: modality, studyDate: date, displaySize: Int(size), pixels: pixels))
        case 2:
            guard let code = r.string(), let message = r.string(), r.remaining == 0 else { return nil }
            return .failure(DecodeFailure(code: code, message: message))
        default:
            return nil
        }
    }
}
