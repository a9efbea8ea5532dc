/// A point-in-time copy of a `VectorIndex` (what a checkpoint holds).
struct VectorIndexState {
    var metric: VectorMetric
    var graph: HNSWGraph
    var labels: [String]
    var deleted: [UInt8]
    var appliedSequence: UInt64
}
