public import Foundation

/// One dataset received by the C-STORE SCP, handed to an ``InstanceSink`` before the SCU is
/// told it was stored.
public struct StoredInstance: Sendable, Equatable {
    public var sopInstanceUID: String
    public var sopClassUID: String
    /// The transfer syntax negotiated for it (the file's own; JPEG 2000 included).
    public var transferSyntaxUID: String
    public var callingAETitle: String
    /// A complete Part-10 file in the SCP's spool directory, valid during the sink call. Move it
    /// to keep it; whatever is left there afterwards is deleted.
    public var file: URL
    public var byteCount: Int

    public init(sopInstanceUID: String, sopClassUID: String, transferSyntaxUID: String, callingAETitle: String, file: URL, byteCount: Int) {
        self.sopInstanceUID = sopInstanceUID
        self.sopClassUID = sopClassUID
        self.transferSyntaxUID = transferSyntaxUID
        self.callingAETitle = callingAETitle
        self.file = file
        self.byteCount = byteCount
    }
}

/// Takes a received instance and returns only once it is durable; a throw makes the C-STORE fail
/// (``PACSError/Code/invalidInput`` → 0xC000 "cannot understand", anything else → 0xA700 "out of
/// resources", which an SCU retries).
///
/// Synchronous on purpose: it runs on the association's own thread, where blocking for an fsync
/// (or `IndexStore.writeBlocking`) is right. An async sink would need a cooperative-pool thread
/// while the association thread waits, and a busy pool (2 threads on 2 cores, training or
/// blocking work) then stalls every store until the SCU times out.
public typealias InstanceSink = @Sendable (StoredInstance) throws -> Void
