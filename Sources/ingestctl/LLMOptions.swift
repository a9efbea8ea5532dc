import ArgumentParser
import Evidence
import Foundation

/// LLM endpoint flags shared by `evidence extract` (placeholder until the LLM client lands).
struct LLMOptions: ParsableArguments {
    @Option(help: "Base URL of an OpenAI-compatible server (http://127.0.0.1:8080, unix:///run/llm.sock); env INGESTD_LLM_URL.")
    var llmURL: String?
    @Option(help: "Model name; env INGESTD_LLM_MODEL.") var llmModel: String?

    var resolvedURL: String? { llmURL ?? ProcessInfo.processInfo.environment["INGESTD_LLM_URL"] }

    func makeExtractor(rules: RuleExtractor) throws -> any EvidenceExtracting {
        throw ValidationError("the LLM extractor is not available yet")
    }
}
