/// A node with its distance to the query; 8 bytes so heaps stay compact.
struct ScoredNode: Sendable {
    var distance: Float
    var node: Int32
}
