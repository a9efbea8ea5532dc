import Evidence
public import Foundation
import Index
import Learner
public import Logging
import ServiceLifecycle
import UnixSignals

/// The daemon: one ``ServiceGroup`` of every long-running part, started in dependency order and
/// shut down gracefully in reverse on SIGTERM/SIGINT: the API stops first, then the watchers,
/// then the pipeline finishes (or requeues) its in-flight items; last the vector graphs are
/// checkpointed and the store is closed.
public struct IngestdDaemon: Sendable {
    public let configuration: IngestdConfiguration
    let logger: Logger

    public init(configuration: IngestdConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Where the store lives under the data directory.
    public static func storeURL(dataDirectory: String) -> URL {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("index")
    }

    /// Runs until a shutdown signal arrives.
    ///
    /// - Throws: ``DaemonStartError`` when the data directory or the store cannot be opened.
    public func run() async throws {
        try prepareDirectories()
        IngestdMetrics.bootstrap()
        // OpenBLAS's idle pool threads spin in sched_yield between calls; with an embedding batch
        // every few milliseconds that spinning took a quarter of the CPU the decode workers need.
        // The daemon's GEMMs are small (a batch of thumbnails), so one BLAS thread loses nothing.
        // The thread count is per process: the training budget (`training.threads`, default 1)
        // caps inference too, so a round's GEMMs never run on normal-priority BLAS pool threads.
        ComputeThreads.configure(blas: configuration.training.threads, workers: configuration.training.threads)
        AllocatorTuning.keepLargeBlocks()
        let environment = ProcessInfo.processInfo.environment
        let notifier = SystemdNotifier(environment: environment)
        let logger = self.logger
        var configuration = self.configuration
        // The network intakes file what they receive durably into incoming/ folders under the
        // data directory (before the peer hears "stored"), and the watchers take it from there.
        let spool: SpoolDirectorySink?
        if configuration.dicom.isEnabled || configuration.mllp.isEnabled {
            do {
                let sink = try SpoolDirectorySink(dataDirectory: URL(fileURLWithPath: configuration.dataDirectory))
                configuration.watch.dicomDirectories.append(sink.dicomDirectory.path)
                configuration.watch.reportDirectories.append(sink.reportDirectory.path)
                spool = sink
            } catch {
                throw DaemonStartError(path: error.input, message: error.message)
            }
        } else {
            spool = nil
        }
        let storeURL = Self.storeURL(dataDirectory: configuration.dataDirectory)
        let store: IndexStore
        do {
            store = try IndexStore.open(at: storeURL, logger: logger)
        } catch {
            throw DaemonStartError(path: storeURL.path, message: "cannot open the store: \(error)")
        }
        let models = ModelHost(try Self.initialModel(configuration, logger: logger))
        let decoder = DecodeWorkerPool(
            settings: .init(
                executable: DecodeWorkerPool.Settings.currentExecutable, workers: min(2, max(1, configuration.limits.pipelineConcurrency))),
            logger: logger)
        let extractor = try Self.extractor(configuration, store: store, logger: logger)
        let pipeline: IngestPipeline
        do {
            pipeline = try IngestPipeline(
                store: store, models: models, decoder: decoder, extractor: extractor, settings: .init(configuration: configuration), logger: logger)
        } catch {
            store.close()
            throw DaemonStartError(path: storeURL.path, message: "cannot read the store: \(error)")
        }
        var services: [any Service] = []
        if let interval = SystemdNotifier.watchdogInterval(environment: environment) {
            services.append(SystemdWatchdog(notifier: notifier, interval: interval))
        }
        services.append(pipeline)
        services.append(VectorCheckpointService(store: store, logger: logger))
        services.append(FileWatchService(watch: configuration.watch, pipeline: pipeline, logger: logger))
        if let spool, configuration.dicom.isEnabled {
            services.append(
                StorageSCP(configuration: configuration.dicom, spoolDirectory: spool.spoolDirectory, logger: logger, sink: spool.instanceSink))
        }
        if let spool, configuration.mllp.isEnabled {
            services.append(MLLPListener(configuration: configuration.mllp, logger: logger, sink: spool.reportSink))
        }
        let context = IngestdContext(configuration: configuration, store: store, models: models, pipeline: pipeline, logger: logger, decoder: decoder)
        let training: ContinualTraining
        do {
            training = try ContinualTraining.open(context: context)
        } catch {
            store.close()
            throw DaemonStartError(path: error.input, message: error.message)
        }
        // Before the API in the list, so it stops after it: the API drains, then the running
        // round stops, then the pipeline and the store.
        services.append(TrainingScheduler(training: training, enabled: configuration.training.enabled))
        services.append(
            APIServer(context: context, training: training) {
                notifier.ready(status: "serving")
                logger.info("daemon.ready", metadata: ["model.version": "\(models.current.version)"])
            })
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger))
        var failure: (any Error)?
        do {
            try await group.run()
        } catch {
            failure = error
        }
        notifier.stopping()
        await decoder.shutdown()
        do {
            try store.checkpointVectors()
        } catch {
            logger.warning("index.checkpoint_failed", metadata: ["error": "\(error)"])
        }
        store.close()
        if let failure { throw failure }
        logger.info("daemon.stopped")
    }

    /// The model served at start: the trained LGDEA checkpoint in the data directory, else a
    /// freshly initialised LGDEA model (deterministic seed) until the first training round.
    static func initialModel(_ configuration: IngestdConfiguration, logger: Logger) throws -> any EvidenceModel {
        do {
            return try EvidenceModelLoader.load(configuration: configuration, logger: logger)
        } catch {
            throw DaemonStartError(path: error.input, message: error.message)
        }
    }

    /// The rule extractor, or the LLM extractor (rules as its fallback, answers cached in the
    /// store) when `extractor.kind` is `llm`, or `auto` with an endpoint configured.
    static func extractor(_ configuration: IngestdConfiguration, store: IndexStore, logger: Logger) throws -> any EvidenceExtracting {
        let rules: RuleExtractor
        do {
            rules = RuleExtractor(vocabulary: try Vocabulary.bundled())
        } catch {
            throw DaemonStartError(path: "vocabulary", message: "cannot load the bundled vocabulary: \(error)")
        }
        let settings = configuration.extractor
        let wantsLLM = settings.kind == .llm || (settings.kind == .auto && settings.llmURL != nil)
        guard wantsLLM, let url = settings.llmURL else { return rules }
        do {
            let key = try LLMEndpoint.apiKey(file: settings.llmAPIKeyFile, environmentVariable: "INGESTD_LLM_API_KEY")
            let endpoint = LLMEndpoint(baseURL: url, model: settings.llmModel ?? "default", apiKey: key, allowRemote: settings.allowRemoteLLM)
            return try LLMExtractor(endpoint: endpoint, rules: rules, cache: IndexedExtractionCache(store: store, logger: logger), logger: logger)
        } catch {
            throw DaemonStartError(path: "extractor", message: "\(error)")
        }
    }

    private func prepareDirectories() throws {
        let fm = FileManager.default
        for path in [configuration.dataDirectory, (configuration.socketPath as NSString).deletingLastPathComponent] where !path.isEmpty {
            do {
                try fm.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            } catch {
                throw DaemonStartError(path: path, message: "cannot create directory: \(error.localizedDescription)")
            }
        }
    }
}

/// The daemon could not start; names the path and the reason.
public struct DaemonStartError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
