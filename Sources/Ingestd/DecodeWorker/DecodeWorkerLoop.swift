import DICOM
import Foundation
import Glibc

/// The decode worker's side: `ingestd decode-worker` reads requests on stdin and answers on
/// stdout until stdin closes. It runs DCMTK on untrusted files in its own process, so a crash
/// inside a codec takes down only the worker; the daemon's supervisor restarts it.
///
/// Test-only fault switch: when the environment variable `INGESTD_TEST_CRASH_MARKER` is set and
/// a requested path contains its value, the worker calls `abort()` before decoding. It exists so
/// the crash-isolation tests can crash a real worker on demand; production never sets it.
public enum DecodeWorkerLoop {
    public static let crashMarkerVariable = "INGESTD_TEST_CRASH_MARKER"

    /// Serves until end of input; returns the process exit code (0 on a clean end).
    public static func serve() -> Int32 {
        AllocatorTuning.keepLargeBlocks()
        // Anything DCMTK or a library prints must not corrupt the protocol: keep a private copy of
        // stdout for frames and point fd 1 at stderr.
        let protocolFD = dup(1)
        guard protocolFD >= 0 else { return 70 }
        dup2(2, 1)
        let channel = FrameChannel(readFD: 0, writeFD: protocolFD)
        let marker = ProcessInfo.processInfo.environment[crashMarkerVariable].flatMap { $0.isEmpty ? nil : $0 }
        while true {
            let frame: [UInt8]
            do {
                frame = try channel.read()
            } catch {
                return error == .endOfStream ? 0 : 74
            }
            let result: Result<DecodedInstance, DecodeFailure>
            if let request = DecodeRequest.decode(frame) {
                if let marker, request.path.contains(marker) { abort() }
                result = decode(request)
            } else {
                result = .failure(DecodeFailure(code: "invalid_request", message: "request frame does not parse"))
            }
            do {
                try channel.write(DecodeResponse.encode(result))
            } catch {
                return 74
            }
        }
    }

    /// Decodes in this process (the worker's body; also what a test can call directly).
    public static func decode(_ request: DecodeRequest) -> Result<DecodedInstance, DecodeFailure> {
        do throws(DICOMError) {
            let file = try DICOMFile(path: request.path, limits: DICOMLimits(maxBytes: request.maxBytes, maxPixels: request.maxPixels))
            let h = file.header
            guard !h.sopInstanceUID.isEmpty, !h.studyInstanceUID.isEmpty else {
                return .failure(DecodeFailure(code: DecodeFailure.missingUID, message: "SOPInstanceUID or StudyInstanceUID is missing"))
            }
            let image = try file.displayImage(size: request.displaySize)
            return .success(DecodedInstance(
                sopInstanceUID: h.sopInstanceUID, studyInstanceUID: h.studyInstanceUID, seriesInstanceUID: h.seriesInstanceUID,
                accessionNumber: h.accessionNumber, modality: h.modality, studyDate: h.studyDate, displaySize: image.size,
                pixels: image.pixels))
        } catch {
            // DICOMError messages come from structure only (never element values): safe to keep.
            return .failure(DecodeFailure(code: error.code.rawValue, message: error.message))
        }
    }
}
