/// `POST /v1/ground` and `POST /v1/classify`: one image, indexed (by SOPInstanceUID) or a file
/// under a configured root; `phrase` only for grounding.
public struct ImageQuery: Codable, Sendable, Equatable {
    public var sopInstanceUID: String?
    public var file: String?
    public var phrase: String?

    public init(sopInstanceUID: String? = nil, file: String? = nil, phrase: String? = nil) {
        self.sopInstanceUID = sopInstanceUID
        self.file = file
        self.phrase = phrase
    }

    enum CodingKeys: String, CodingKey {
        case sopInstanceUID = "sop_instance_uid", file, phrase
    }
}
