public import Index
public import Logging

/// Everything the API serves from, built once by the daemon: the configuration, the store, the
/// model host and the pipeline's counters.
///
/// Shared by value; every member is itself thread-safe, so handlers read it concurrently.
public struct IngestdContext: Sendable {
    public let configuration: IngestdConfiguration
    public let store: IndexStore
    public let models: ModelHost
    public let pipeline: any PipelineStatusSource
    public let logger: Logger
    /// Decodes request files in worker processes, so a hostile file crashes a worker, not the
    /// daemon; nil decodes in-process (tests).
    public let decoder: DecodeWorkerPool?

    public init(
        configuration: IngestdConfiguration, store: IndexStore, models: ModelHost, pipeline: any PipelineStatusSource, logger: Logger,
        decoder: DecodeWorkerPool? = nil
    ) {
        self.configuration = configuration
        self.store = store
        self.models = models
        self.pipeline = pipeline
        self.logger = logger
        self.decoder = decoder
    }
}
