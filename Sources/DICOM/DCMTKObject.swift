internal import CDCMTK
import Synchronization

/// Owns one parsed DCMTK object and serialises every call into it.
///
/// DCMTK mutates an object while decoding (fragment cursors, lazily loaded values), so all access
/// goes through `state`'s lock; the object is freed when the last reference goes away.
final class DCMTKObject: Sendable {
    /// `@unchecked Sendable`: `pointer` is only dereferenced inside `state.withLock`.
    struct State: @unchecked Sendable {
        let pointer: OpaquePointer
        /// The frame DCMTK's fragment cursor points at, so sequential decoding skips the offset search.
        var nextFrame: UInt32 = 0
        var fragmentCursor: UInt32 = 0
    }

    private let state: Mutex<State>

    init(_ pointer: OpaquePointer) {
        state = Mutex(State(pointer: pointer))
    }

    deinit {
        state.withLock { cdcmtk_close($0.pointer) }
    }

    func withState<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        try state.withLock { (s: inout State) throws(E) -> R in try body(&s) }
    }

    /// Opens a file. The error names `path`.
    static func open(path: String, limits: DICOMLimits) throws(DICOMError) -> DCMTKObject {
        var result = cdcmtk_result()
        guard let pointer = cdcmtk_open_path(path, limits.maxBytes, &result) else {
            throw DICOMError(result: result, input: path)
        }
        return DCMTKObject(pointer)
    }

    /// Parses bytes in memory. The error names `name`.
    static func open(bytes: UnsafeRawBufferPointer, name: String, limits: DICOMLimits) throws(DICOMError) -> DCMTKObject {
        var result = cdcmtk_result()
        guard let pointer = cdcmtk_open_buffer(bytes.baseAddress, bytes.count, limits.maxBytes, &result) else {
            throw DICOMError(result: result, input: name)
        }
        return DCMTKObject(pointer)
    }
}
