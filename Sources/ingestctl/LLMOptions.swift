import ArgumentParser
import Evidence
import Foundation

/// LLM endpoint flags of `evidence extract`. The API key comes from a file or an environment
/// variable, never from the command line (it would show in `ps`), and is never printed.
struct LLMOptions: ParsableArguments {
    @Option(help: "Base URL of an OpenAI-compatible server (http://127.0.0.1:8080, unix:///run/llm.sock); env INGESTD_LLM_URL.")
    var llmURL: String?
    @Option(help: "Model name; env INGESTD_LLM_MODEL.") var llmModel: String?
    @Option(help: "Structured output: json_schema (vLLM/OpenAI), json_object (llama.cpp), ollama, none.")
    var llmOutput: String = "json_object"
    @Option(help: "File holding the API key (first line).") var llmApiKeyFile: String?
    @Option(help: "Environment variable holding the API key.") var llmApiKeyEnv: String = "INGESTD_LLM_API_KEY"
    @Option(help: "Per-request timeout in seconds.") var llmTimeout: Double = 60
    @Option(help: "Attempts per report (retries on transport errors, 429, 5xx).") var llmAttempts: Int = 3
    @Option(help: "Requests in flight at once.") var llmConcurrency: Int = 2
    @Flag(help: "Allow a non-loopback https endpoint (reports are PHI).") var allowRemoteLlm = false

    var resolvedURL: String? { llmURL ?? ProcessInfo.processInfo.environment["INGESTD_LLM_URL"] }

    func makeExtractor(rules: RuleExtractor) throws -> LLMExtractor {
        guard let url = resolvedURL else { throw ValidationError("--extractor llm needs --llm-url or INGESTD_LLM_URL") }
        guard let model = llmModel ?? ProcessInfo.processInfo.environment["INGESTD_LLM_MODEL"] else {
            throw ValidationError("--extractor llm needs --llm-model or INGESTD_LLM_MODEL")
        }
        guard let mode = LLMEndpoint.StructuredOutput(rawValue: llmOutput) else {
            throw ValidationError("unknown --llm-output \(llmOutput)")
        }
        let key = try LLMEndpoint.apiKey(file: llmApiKeyFile, environmentVariable: llmApiKeyEnv)
        let endpoint = LLMEndpoint(
            baseURL: url, model: model, apiKey: key, structuredOutput: mode, timeout: .milliseconds(Int(llmTimeout * 1000)),
            maxAttempts: llmAttempts, maxConcurrency: llmConcurrency, allowRemote: allowRemoteLlm)
        return try LLMExtractor(endpoint: endpoint, rules: rules)
    }
}
