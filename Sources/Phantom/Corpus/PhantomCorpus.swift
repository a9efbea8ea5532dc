/// Parallel generation helpers shared by the command line and benchmarks.
public enum PhantomCorpus {
    /// Generates `indices` concurrently (results in index order; identical to serial generation).
    public static func studies(_ generator: PhantomGenerator, indices: [Int], withImage: Bool = true) async -> [PhantomStudy] {
        await withTaskGroup(of: (Int, PhantomStudy).self) { group in
            var results = [PhantomStudy?](repeating: nil, count: indices.count)
            var next = 0
            let width = max(2, ProcessInfoCores.count)
            func add(_ k: Int) {
                let index = indices[k]
                group.addTask { (k, generator.study(index, withImage: withImage)) }
            }
            while next < min(width, indices.count) {
                add(next)
                next += 1
            }
            while let (k, s) = await group.next() {
                results[k] = s
                if next < indices.count {
                    add(next)
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
    }
}
