/// The daemon's release version, reported by `ingestd --version` and `GET /v1/status`.
public enum IngestdVersion {
    public static let string = "0.1.0"
}
