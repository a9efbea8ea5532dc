/// A uniform sample of at most `capacity` elements from a stream of any length (Algorithm R),
/// deterministic from its seed.
///
/// A round streams the store's unpaired images and reports through one of these, so its memory
/// is bounded by the capacity, not by the size of the index.
struct Reservoir<Element> {
    let capacity: Int
    private(set) var elements: [Element] = []
    /// Elements offered so far.
    private(set) var seen = 0
    private var random: SplitMix64

    init(capacity: Int, seed: UInt64) {
        self.capacity = max(0, capacity)
        random = SplitMix64(seed: seed)
    }

    /// Offers one element; it replaces a kept one with probability capacity / seen.
    mutating func offer(_ element: Element) {
        seen += 1
        if elements.count < capacity {
            elements.append(element)
            return
        }
        guard capacity > 0 else { return }
        let j = Int(random.next() % UInt64(seen))
        if j < capacity { elements[j] = element }
    }
}
