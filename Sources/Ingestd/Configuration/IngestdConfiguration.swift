/// Everything `ingestd` can be told, with a sensible default for every setting.
///
/// Decoded once at start-up from TOML (see ``IngestdConfiguration/load(tomlPath:)``) or built from
/// command-line flags; validated as a whole by ``validate()`` so a bad file fails with every
/// problem named, before anything is opened.
public struct IngestdConfiguration: Sendable, Equatable, Codable {
    /// Where the RocksDB store, model checkpoints, quarantine and the default socket live.
    public var dataDirectory: String
    public var watch: Watch
    public var socket: Socket
    public var limits: Limits
    public var extractor: Extractor
    public var training: Training
    public var logging: Logging
    public var dicom: DICOMNetwork
    public var mllp: MLLP

    public init(
        dataDirectory: String,
        watch: Watch = .init(),
        socket: Socket = .init(),
        limits: Limits = .init(),
        extractor: Extractor = .init(),
        training: Training = .init(),
        logging: Logging = .init(),
        dicom: DICOMNetwork = .init(),
        mllp: MLLP = .init()
    ) {
        self.dataDirectory = dataDirectory
        self.watch = watch
        self.socket = socket
        self.limits = limits
        self.extractor = extractor
        self.training = training
        self.logging = logging
        self.dicom = dicom
        self.mllp = mllp
    }

    /// The socket path in force: the configured one, else `<dataDirectory>/ingestd.sock`.
    public var socketPath: String {
        socket.path ?? (dataDirectory.hasSuffix("/") ? dataDirectory : dataDirectory + "/") + "ingestd.sock"
    }

    enum CodingKeys: String, CodingKey {
        case dataDirectory = "data_directory"
        case watch, socket, limits, extractor, training, logging, dicom, mllp
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dataDirectory = try c.decode(String.self, forKey: .dataDirectory)
        watch = try c.decodeIfPresent(Watch.self, forKey: .watch) ?? .init()
        socket = try c.decodeIfPresent(Socket.self, forKey: .socket) ?? .init()
        limits = try c.decodeIfPresent(Limits.self, forKey: .limits) ?? .init()
        extractor = try c.decodeIfPresent(Extractor.self, forKey: .extractor) ?? .init()
        training = try c.decodeIfPresent(Training.self, forKey: .training) ?? .init()
        logging = try c.decodeIfPresent(Logging.self, forKey: .logging) ?? .init()
        dicom = try c.decodeIfPresent(DICOMNetwork.self, forKey: .dicom) ?? .init()
        mllp = try c.decodeIfPresent(MLLP.self, forKey: .mllp) ?? .init()
    }
}

extension IngestdConfiguration {
    /// Watched folders. The periodic rescan is the source of truth; inotify only makes it prompt.
    public struct Watch: Sendable, Equatable, Codable {
        public var dicomDirectories: [String]
        public var reportDirectories: [String]
        /// Seconds between full rescans (inotify misses events on network file systems).
        public var rescanSeconds: Double
        /// A file is ingested once its size and mtime have not changed for this long.
        public var stableSeconds: Double
        /// Move ingested files here instead of leaving them in place.
        public var archiveDirectory: String?

        public init(
            dicomDirectories: [String] = [], reportDirectories: [String] = [], rescanSeconds: Double = 30,
            stableSeconds: Double = 2, archiveDirectory: String? = nil
        ) {
            self.dicomDirectories = dicomDirectories
            self.reportDirectories = reportDirectories
            self.rescanSeconds = rescanSeconds
            self.stableSeconds = stableSeconds
            self.archiveDirectory = archiveDirectory
        }

        enum CodingKeys: String, CodingKey {
            case dicomDirectories = "dicom_directories", reportDirectories = "report_directories"
            case rescanSeconds = "rescan_seconds", stableSeconds = "stable_seconds", archiveDirectory = "archive_directory"
        }

        public init(from decoder: any Decoder) throws {
            let d = Self()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            dicomDirectories = try c.decodeIfPresent([String].self, forKey: .dicomDirectories) ?? d.dicomDirectories
            reportDirectories = try c.decodeIfPresent([String].self, forKey: .reportDirectories) ?? d.reportDirectories
            rescanSeconds = try c.decodeNumberIfPresent( forKey: .rescanSeconds) ?? d.rescanSeconds
            stableSeconds = try c.decodeNumberIfPresent( forKey: .stableSeconds) ?? d.stableSeconds
            archiveDirectory = try c.decodeIfPresent(String.self, forKey: .archiveDirectory)
        }
    }

    /// The API socket: HTTP/1.1 + JSON over a Unix domain socket, checked by peer credentials.
    public struct Socket: Sendable, Equatable, Codable {
        /// Defaults to `<data_directory>/ingestd.sock`.
        public var path: String?
        /// File mode of the socket, as an octal string ("0660").
        public var mode: String
        /// Group that owns the socket (name or numeric gid); unset keeps the daemon's group.
        public var group: String?
        /// Peers allowed to connect, by uid; the daemon's own uid and root are always allowed.
        public var allowedUIDs: [Int]
        /// Peers allowed to connect, by primary gid.
        public var allowedGIDs: [Int]

        public init(path: String? = nil, mode: String = "0660", group: String? = nil, allowedUIDs: [Int] = [], allowedGIDs: [Int] = []) {
            self.path = path
            self.mode = mode
            self.group = group
            self.allowedUIDs = allowedUIDs
            self.allowedGIDs = allowedGIDs
        }

        enum CodingKeys: String, CodingKey {
            case path, mode, group, allowedUIDs = "allowed_uids", allowedGIDs = "allowed_gids"
        }

        public init(from decoder: any Decoder) throws {
            let d = Self()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            path = try c.decodeIfPresent(String.self, forKey: .path)
            mode = try c.decodeIfPresent(String.self, forKey: .mode) ?? d.mode
            group = try c.decodeIfPresent(String.self, forKey: .group)
            allowedUIDs = try c.decodeIfPresent([Int].self, forKey: .allowedUIDs) ?? d.allowedUIDs
            allowedGIDs = try c.decodeIfPresent([Int].self, forKey: .allowedGIDs) ?? d.allowedGIDs
        }

        /// The numeric mode, or nil when `mode` is not an octal permission string.
        public var numericMode: UInt16? {
            guard let value = UInt16(mode.hasPrefix("0o") ? String(mode.dropFirst(2)) : mode, radix: 8), value <= 0o777 else {
                return nil
            }
            return value
        }
    }

    /// Bounds that keep one hostile input or client from exhausting the machine.
    public struct Limits: Sendable, Equatable, Codable {
        public var maxDICOMBytes: Int
        public var maxPixels: Int
        public var maxReportBytes: Int
        public var maxRequestBytes: Int
        /// Concurrent decode/extract/embed work items (2-core hosts: 2).
        public var pipelineConcurrency: Int

        public init(
            maxDICOMBytes: Int = 1 << 30, maxPixels: Int = 1 << 28, maxReportBytes: Int = 1 << 20,
            maxRequestBytes: Int = 8 << 20, pipelineConcurrency: Int = 2
        ) {
            self.maxDICOMBytes = maxDICOMBytes
            self.maxPixels = maxPixels
            self.maxReportBytes = maxReportBytes
            self.maxRequestBytes = maxRequestBytes
            self.pipelineConcurrency = pipelineConcurrency
        }

        enum CodingKeys: String, CodingKey {
            case maxDICOMBytes = "max_dicom_bytes", maxPixels = "max_pixels", maxReportBytes = "max_report_bytes"
            case maxRequestBytes = "max_request_bytes", pipelineConcurrency = "pipeline_concurrency"
        }

        public init(from decoder: any Decoder) throws {
            let d = Self()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            maxDICOMBytes = try c.decodeIfPresent(Int.self, forKey: .maxDICOMBytes) ?? d.maxDICOMBytes
            maxPixels = try c.decodeIfPresent(Int.self, forKey: .maxPixels) ?? d.maxPixels
            maxReportBytes = try c.decodeIfPresent(Int.self, forKey: .maxReportBytes) ?? d.maxReportBytes
            maxRequestBytes = try c.decodeIfPresent(Int.self, forKey: .maxRequestBytes) ?? d.maxRequestBytes
            pipelineConcurrency = try c.decodeIfPresent(Int.self, forKey: .pipelineConcurrency) ?? d.pipelineConcurrency
        }
    }

    /// Which evidence extractor runs, and the LLM endpoint when one is used.
    public struct Extractor: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable, CaseIterable { case rules, llm, auto }

        public var kind: Kind
        public var llmURL: String?
        public var llmModel: String?
        /// File holding the API key (never the key itself in the config file).
        public var llmAPIKeyFile: String?
        /// Reports are PHI: a non-loopback endpoint must be https and explicitly allowed.
        public var allowRemoteLLM: Bool

        public init(kind: Kind = .rules, llmURL: String? = nil, llmModel: String? = nil, llmAPIKeyFile: String? = nil, allowRemoteLLM: Bool = false) {
            self.kind = kind
            self.llmURL = llmURL
            self.llmModel = llmModel
            self.llmAPIKeyFile = llmAPIKeyFile
            self.allowRemoteLLM = allowRemoteLLM
        }

        enum CodingKeys: String, CodingKey {
            case kind, llmURL = "llm_url", llmModel = "llm_model", llmAPIKeyFile = "llm_api_key_file", allowRemoteLLM = "allow_remote_llm"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            kind = try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .rules
            llmURL = try c.decodeIfPresent(String.self, forKey: .llmURL)
            llmModel = try c.decodeIfPresent(String.self, forKey: .llmModel)
            llmAPIKeyFile = try c.decodeIfPresent(String.self, forKey: .llmAPIKeyFile)
            allowRemoteLLM = try c.decodeIfPresent(Bool.self, forKey: .allowRemoteLLM) ?? false
        }
    }

    /// Log level (one line per event on stderr, which journald collects). Logs never carry PHI.
    public struct Logging: Sendable, Equatable, Codable {
        public enum Level: String, Sendable, Codable, CaseIterable { case trace, debug, info, notice, warning, error, critical }

        public var level: Level

        public init(level: Level = .info) {
            self.level = level
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            level = try c.decodeIfPresent(Level.self, forKey: .level) ?? .info
        }
    }
}

extension KeyedDecodingContainer {
    /// TOML distinguishes `10` from `10.0`; a person writing seconds should not have to.
    func decodeNumberIfPresent(forKey key: Key) throws -> Double? {
        guard contains(key) else { return nil }
        if let value = try? decode(Double.self, forKey: key) { return value }
        return Double(try decode(Int.self, forKey: key))
    }
}
