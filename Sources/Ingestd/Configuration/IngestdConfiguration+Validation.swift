extension IngestdConfiguration {
    /// Checks the whole configuration and reports every problem at once.
    ///
    /// - Throws: ``ConfigurationError`` listing each bad key.
    public func validate(source: String = "command line") throws(ConfigurationError) {
        var problems: [ConfigurationError.Problem] = []
        func bad(_ key: String, _ message: String) { problems.append(.init(key: key, message: message)) }

        if dataDirectory.isEmpty { bad("data_directory", "must not be empty") }
        for (i, dir) in watch.dicomDirectories.enumerated() where dir.isEmpty { bad("watch.dicom_directories[\(i)]", "must not be empty") }
        for (i, dir) in watch.reportDirectories.enumerated() where dir.isEmpty { bad("watch.report_directories[\(i)]", "must not be empty") }
        if !(watch.rescanSeconds >= 1 && watch.rescanSeconds <= 86_400) { bad("watch.rescan_seconds", "must be between 1 and 86400, got \(watch.rescanSeconds)") }
        if !(watch.stableSeconds >= 0 && watch.stableSeconds <= 3_600) { bad("watch.stable_seconds", "must be between 0 and 3600, got \(watch.stableSeconds)") }

        if socket.numericMode == nil { bad("socket.mode", "must be an octal permission such as \"0660\", got \"\(socket.mode)\"") }
        // Linux sun_path holds 108 bytes including the terminator; NIO refuses more than 103.
        if socketPath.utf8.count > 103 { bad("socket.path", "is \(socketPath.utf8.count) bytes; a Unix socket path may have at most 103") }
        for uid in socket.allowedUIDs where uid < 0 { bad("socket.allowed_uids", "uid \(uid) is negative") }
        for gid in socket.allowedGIDs where gid < 0 { bad("socket.allowed_gids", "gid \(gid) is negative") }

        if limits.maxDICOMBytes < 1024 { bad("limits.max_dicom_bytes", "must be at least 1024") }
        if limits.maxPixels < 1 { bad("limits.max_pixels", "must be positive") }
        if limits.maxReportBytes < 64 { bad("limits.max_report_bytes", "must be at least 64") }
        if limits.maxRequestBytes < 1024 { bad("limits.max_request_bytes", "must be at least 1024") }
        if !(1...64).contains(limits.pipelineConcurrency) { bad("limits.pipeline_concurrency", "must be between 1 and 64") }

        if extractor.kind != .rules {
            if let url = extractor.llmURL {
                if let problem = Self.llmEndpointProblem(url, allowRemote: extractor.allowRemoteLLM) { bad("extractor.llm_url", problem) }
            } else {
                bad("extractor.llm_url", "is required when extractor.kind is \"\(extractor.kind.rawValue)\"")
            }
            if (extractor.llmModel ?? "").isEmpty { bad("extractor.llm_model", "is required when extractor.kind is \"\(extractor.kind.rawValue)\"") }
        }

        problems += training.problems()

        problems += pacsProblems()
        if !problems.isEmpty { throw ConfigurationError(source: source, problems: problems) }
    }

    /// Reports are PHI: only loopback (or a Unix socket) unless remote use is explicit and over https.
    static func llmEndpointProblem(_ url: String, allowRemote: Bool) -> String? {
        if url.hasPrefix("unix://") || url.hasPrefix("http+unix://") { return nil }
        let scheme: String
        let rest: Substring
        if url.hasPrefix("http://") {
            scheme = "http"
            rest = url.dropFirst(7)
        } else if url.hasPrefix("https://") {
            scheme = "https"
            rest = url.dropFirst(8)
        } else {
            return "must start with http://, https:// or unix://"
        }
        let authority = rest.prefix { $0 != "/" }
        let host: Substring
        if authority.hasPrefix("[") {
            host = authority.dropFirst().prefix { $0 != "]" }
        } else {
            host = authority.prefix { $0 != ":" }
        }
        if host.isEmpty { return "has no host" }
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        if loopback { return nil }
        if !allowRemote { return "\(host) is not a loopback address; reports are PHI, so a remote endpoint needs extractor.allow_remote_llm = true" }
        if scheme != "https" { return "a remote endpoint must use https" }
        return nil
    }
}
