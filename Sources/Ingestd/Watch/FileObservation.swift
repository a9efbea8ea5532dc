/// One sighting of a file by a directory scan: enough to tell whether it is still being written
/// and whether it changed since it was ingested.
public struct FileObservation: Sendable, Hashable {
    public var path: String
    public var size: Int64
    /// Modification time in nanoseconds since the epoch.
    public var modifiedNanoseconds: Int64

    public init(path: String, size: Int64, modifiedNanoseconds: Int64) {
        self.path = path
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
    }
}
