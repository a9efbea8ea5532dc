/// Placeholder until the daemon issue lands.
public enum IngestdModule {
    public static let version = "0.1.0"
}
