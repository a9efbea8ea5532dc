import Index

/// The ingest pipeline as the API sees it: its counters, and quarantine retries that say why
/// nothing could be requeued. (Thumbnails and extractions the API reads from the store.)
extension IngestPipeline: PipelineStatusSource {
    public func requeue(quarantineID: String) async throws {
        let queued: Int
        do {
            queued = try await retry(quarantineID: quarantineID)
        } catch {
            throw RequeueError(.notRetryable, id: quarantineID, message: "the watched-file records could not be read (\(error.code.rawValue))")
        }
        guard queued > 0 else {
            throw RequeueError(.notRetryable, id: quarantineID, message: "no watched file behind this entry can be ingested again (gone, or already queued)")
        }
    }
}
