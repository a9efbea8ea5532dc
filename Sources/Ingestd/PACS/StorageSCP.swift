internal import CDCMTK
public import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// The DICOM Storage SCP (C-STORE + C-ECHO) as a service.
///
/// DCMTK's dcmnet runs inside the C++ shim on its own threads (a pool of acceptors, each
/// serving one association at a time); each received dataset is spooled to a file and handed to `sink` from the
/// association's thread, which waits until the sink returns, so the SCU hears "success" only for
/// data that is durable.
public final class StorageSCP: Service, Sendable {
    public let configuration: IngestdConfiguration.DICOMNetwork
    public let spoolDirectory: URL
    private let bridge: StorageSCPBridge
    private let state = Mutex<Handle?>(nil)

    /// - Parameters:
    ///   - spoolDirectory: where datasets are streamed while they arrive; put it on the file
    ///     system the sink moves them to (``SpoolDirectorySink/spoolDirectory``).
    ///   - sink: makes an instance durable; see ``InstanceSink``.
    public init(configuration: IngestdConfiguration.DICOMNetwork, spoolDirectory: URL, logger: Logger, sink: @escaping InstanceSink) {
        self.configuration = configuration
        self.spoolDirectory = spoolDirectory
        self.bridge = StorageSCPBridge(sink: sink, logger: logger)
    }

    deinit {
        if let handle = state.withLock({ $0.take() }) { handle.close() }
    }

    /// Binds and starts accepting; returns the port (useful with port 0 in tests).
    ///
    /// - Throws: ``PACSError`` `.listen` when the address or port cannot be used.
    @discardableResult
    public func start() throws(PACSError) -> Int {
        if let port = state.withLock({ $0?.port }) { return port }
        let handle = try Handle.open(configuration: configuration, spool: spoolDirectory, bridge: bridge)
        let existing: Int? = state.withLock { current in
            if let current { return current.port }
            current = handle
            return nil
        }
        if let existing {
            handle.close()
            return existing
        }
        return handle.port
    }

    /// The bound port, or nil when not started.
    public var port: Int? { state.withLock { $0?.port } }

    /// Stops accepting, gives in-flight stores up to 5 s to finish, aborts idle associations and
    /// cuts what still blocks. Blocking work runs on its own thread, not on the caller's executor.
    public func stop() async {
        guard let handle = state.withLock({ $0.take() }) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                handle.close()
                continuation.resume()
            }
        }
        bridge.logger.info("dicom.scp.stopped")
    }

    public func run() async throws {
        let port = try start()
        bridge.logger.info("dicom.scp.listening", metadata: ["address": "\(configuration.bindAddress)", "port": "\(port)", "ae_title": "\(configuration.aeTitle)"])
        try? await gracefulShutdown()
        await stop()
    }
}

/// The shim's server handle. `@unchecked Sendable`: the pointer is only used by `close()`, which
/// the owning ``StorageSCP`` calls once after taking the handle out of its mutex.
private final class Handle: @unchecked Sendable {
    let pointer: OpaquePointer
    let port: Int
    let context: Unmanaged<StorageSCPBridge>

    private init(pointer: OpaquePointer, port: Int, context: Unmanaged<StorageSCPBridge>) {
        self.pointer = pointer
        self.port = port
        self.context = context
    }

    static func open(configuration: IngestdConfiguration.DICOMNetwork, spool: URL, bridge: StorageSCPBridge) throws(PACSError) -> Handle {
        do {
            try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw PACSError(.listen, input: spool.path, "cannot create the spool directory: \(error.localizedDescription)")
        }
        let context = Unmanaged.passRetained(bridge)
        var result = cdcmtk_result()
        let titles = configuration.allowedCallingAETitles.map { strdup($0) }
        defer { titles.forEach { free($0) } }
        let pointer: OpaquePointer? = configuration.bindAddress.withCString { bind in
            configuration.aeTitle.withCString { ae in
                spool.path.withCString { spoolPath in
                    titles.map { UnsafePointer($0) }.withUnsafeBufferPointer { list in
                        var config = cdcmtk_scp_config(
                            bind_address: bind, port: Int32(configuration.port), ae_title: ae,
                            allowed_calling_ae_titles: list.baseAddress, allowed_calling_ae_title_count: list.count,
                            max_pdu: UInt32(configuration.maxPDU), acse_timeout_seconds: Int32(configuration.acseTimeoutSeconds),
                            dimse_timeout_seconds: Int32(configuration.dimseTimeoutSeconds),
                            max_associations: Int32(configuration.maxAssociations), spool_directory: spoolPath)
                        return cdcmtk_scp_open(&config, storageSCPStore, storageSCPEvent, context.toOpaque(), &result)
                    }
                }
            }
        }
        guard let pointer else {
            context.release()
            throw PACSError(.listen, input: "\(configuration.bindAddress):\(configuration.port)", Self.message(result))
        }
        if cdcmtk_scp_start(pointer, &result) != 0 {
            cdcmtk_scp_close(pointer)
            context.release()
            throw PACSError(.listen, input: "\(configuration.bindAddress):\(configuration.port)", Self.message(result))
        }
        return Handle(pointer: pointer, port: Int(cdcmtk_scp_port(pointer)), context: context)
    }

    /// Stops the shim (joining its threads: no callback runs afterwards), then frees it.
    func close() {
        cdcmtk_scp_close(pointer)
        context.release()
    }

    private static func message(_ result: cdcmtk_result) -> String {
        withUnsafeBytes(of: result.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

/// What the C callbacks reach through their context pointer.
final class StorageSCPBridge: Sendable {
    let sink: InstanceSink
    let logger: Logger

    init(sink: @escaping InstanceSink, logger: Logger) {
        self.sink = sink
        self.logger = logger
    }

    /// Runs on a shim association thread (not a Swift executor); blocking it until the sink has
    /// made the instance durable is what holds the C-STORE response back.
    func store(_ instance: StoredInstance) -> UInt16 {
        do {
            try sink(instance)
            return UInt16(CDCMTK_SCP_STATUS_SUCCESS)
        } catch {
            let status: UInt16
            if let error = error as? PACSError, error.code == .invalidInput {
                status = UInt16(CDCMTK_SCP_STATUS_CANNOT_UNDERSTAND)
            } else {
                status = UInt16(CDCMTK_SCP_STATUS_OUT_OF_RESOURCES)
            }
            logger.warning("dicom.store.failed", metadata: ["status": "\(String(status, radix: 16))", "error": "\(error)"])
            return status
        }
    }

    func event(_ kind: Int32, calling: String, detail: String) {
        switch kind {
        case Int32(CDCMTK_SCP_EVENT_ACCEPTED.rawValue):
            logger.debug("dicom.association.accepted", metadata: ["calling_ae": "\(calling)"])
        case Int32(CDCMTK_SCP_EVENT_RELEASED.rawValue):
            logger.debug("dicom.association.released", metadata: ["calling_ae": "\(calling)"])
        case Int32(CDCMTK_SCP_EVENT_REJECTED.rawValue):
            logger.notice("dicom.association.rejected", metadata: ["calling_ae": "\(calling)", "reason": "\(detail)"])
        case Int32(CDCMTK_SCP_EVENT_ABORTED.rawValue):
            logger.info("dicom.association.aborted", metadata: ["calling_ae": "\(calling)", "reason": "\(detail)"])
        default:
            logger.warning("dicom.scp.error", metadata: ["calling_ae": "\(calling)", "reason": "\(detail)"])
        }
    }
}


private func string(_ pointer: UnsafePointer<CChar>?) -> String {
    pointer.map { String(cString: $0) } ?? ""
}

nonisolated(unsafe) private let storageSCPStore: cdcmtk_scp_store_fn = { context, instance in
    guard let context, let instance else { return UInt16(CDCMTK_SCP_STATUS_OUT_OF_RESOURCES) }
    let bridge = Unmanaged<StorageSCPBridge>.fromOpaque(context).takeUnretainedValue()
    let c = instance.pointee
    let stored = StoredInstance(
        sopInstanceUID: string(c.sop_instance_uid).trimmingCharacters(in: .whitespaces),
        sopClassUID: string(c.sop_class_uid).trimmingCharacters(in: .whitespaces),
        transferSyntaxUID: string(c.transfer_syntax_uid),
        callingAETitle: string(c.calling_ae_title),
        file: URL(fileURLWithPath: string(c.file_path)),
        byteCount: Int(c.byte_count))
    return bridge.store(stored)
}

nonisolated(unsafe) private let storageSCPEvent: cdcmtk_scp_event_fn = { context, kind, calling, detail in
    guard let context else { return }
    let bridge = Unmanaged<StorageSCPBridge>.fromOpaque(context).takeUnretainedValue()
    bridge.event(kind, calling: string(calling), detail: string(detail))
}
