internal import COpenBLAS

/// Placeholder until the Learner issue lands: proves OpenBLAS links.
public enum LearnerModule {
    public static func dot(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return cblas_sdot(Int32(a.count), a, 1, b, 1)
    }
}
