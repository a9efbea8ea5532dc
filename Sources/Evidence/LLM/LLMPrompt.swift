internal import Foundation

/// The versioned prompt: instructions, the finding vocabulary, a few worked examples and the
/// answer schema. Bump ``version`` whenever any of it changes: it is part of the cache key and of
/// every LLM item's `source`.
struct LLMPrompt: Sendable {
    static let version = "evidence-prompt-v1"

    let findingIDs: [String]
    static let locations = ["left", "right", "bilateral", "upper", "middle", "lower", "apical", "basilar", "perihilar", "retrocardiac", "costophrenic"]

    init(vocabulary: Vocabulary) {
        findingIDs = vocabulary.findingIDs
    }

    var system: String {
        """
        You extract diagnostic evidence from chest radiograph reports. Answer with one JSON object \
        {"items": [...]} and nothing else. Each item: "finding" (one id from the list), "presence" \
        ("present", "absent" or "uncertain"), "locations" (from: \(Self.locations.joined(separator: ", "))), \
        "severity" ("mild", "moderate", "severe" or "none"), "quote" (the exact words of the report \
        that state it, copied verbatim), "confidence" (0 to 1). Negated findings ("no effusion") are \
        absent; hedged ones ("may represent", "possible", "versus") are uncertain. Ignore the \
        indication/history: only findings and impression count. A normal report gives \
        {"finding": "no_finding", "presence": "present"}. Finding ids: \(findingIDs.joined(separator: ", ")).
        """
    }

    static let examples: [(String, String)] = [
        (
            "FINDINGS: Small left pleural effusion. No pneumothorax.\nIMPRESSION: Possible left lower lobe pneumonia.",
            #"{"items":[{"finding":"pleural_effusion","presence":"present","locations":["left"],"severity":"mild","quote":"Small left pleural effusion","confidence":0.9},{"finding":"pneumothorax","presence":"absent","locations":[],"severity":"none","quote":"No pneumothorax","confidence":0.9},{"finding":"pneumonia","presence":"uncertain","locations":["left","lower"],"severity":"none","quote":"Possible left lower lobe pneumonia","confidence":0.6}]}"#
        ),
        (
            "FINDINGS: Heart size is normal. The lungs are clear.\nIMPRESSION: No acute cardiopulmonary abnormality.",
            #"{"items":[{"finding":"cardiomegaly","presence":"absent","locations":[],"severity":"none","quote":"Heart size is normal","confidence":0.9},{"finding":"no_finding","presence":"present","locations":[],"severity":"none","quote":"No acute cardiopulmonary abnormality","confidence":0.9}]}"#
        ),
    ]

    /// JSON Schema of the answer (also used for grammar-constrained decoding).
    var schema: [String: Any] {
        [
            "type": "object",
            "properties": [
                "items": [
                    "type": "array",
                    "items": [
                        "type": "object",
                        "properties": [
                            "finding": ["type": "string", "enum": findingIDs],
                            "presence": ["type": "string", "enum": ["present", "absent", "uncertain"]],
                            "locations": ["type": "array", "items": ["type": "string", "enum": Self.locations]],
                            "severity": ["type": "string", "enum": ["mild", "moderate", "severe", "none"]],
                            "quote": ["type": "string"],
                            "confidence": ["type": "number"],
                        ] as [String: Any],
                        "required": ["finding", "presence", "quote"],
                    ] as [String: Any],
                ] as [String: Any]
            ] as [String: Any],
            "required": ["items"],
        ]
    }

    /// The request body for `/v1/chat/completions`.
    func requestBody(reportText: String, model: String, mode: LLMEndpoint.StructuredOutput, maxTokens: Int) -> [UInt8] {
        var messages: [[String: String]] = [["role": "system", "content": system]]
        for (user, assistant) in Self.examples {
            messages.append(["role": "user", "content": user])
            messages.append(["role": "assistant", "content": assistant])
        }
        messages.append(["role": "user", "content": reportText])
        var body: [String: Any] = ["model": model, "messages": messages, "temperature": 0, "max_tokens": maxTokens, "stream": false]
        switch mode {
        case .jsonSchema:
            body["response_format"] = ["type": "json_schema", "json_schema": ["name": "evidence", "strict": true, "schema": schema] as [String: Any]] as [String: Any]
        case .jsonObject:
            body["response_format"] = ["type": "json_object", "schema": schema] as [String: Any]
        case .ollama:
            body["format"] = schema
        case .none:
            break
        }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return [UInt8](data)
    }
}
