/// What to do when an instance arrives again with the same SOPInstanceUID but different content.
public enum DuplicatePolicy: String, Sendable, Codable {
    /// Keep the first version (default): a UID names one object.
    case keepFirst = "keep_first"
    /// Replace the stored version with the new one.
    case overwrite
}

/// What `putInstance` did. Conflicts are recorded in quarantine in both policies.
public enum InstanceOutcome: String, Sendable, Equatable {
    case inserted
    /// Same UID, same digest: nothing written.
    case duplicate
    case conflictKeptFirst = "conflict_kept_first"
    case conflictOverwritten = "conflict_overwritten"
}
