internal import CDCMTK

/// A DICOM lookup table (modality, VOI or one palette channel): descriptor plus data.
struct LookupTable: Sendable, Equatable {
    /// First input value mapped to `values[0]`.
    var firstMapped: Int
    var values: [Int]
    /// Bits per entry the descriptor declares.
    var bits: Int

    /// Output for stored/modality value `x`: inputs outside the table clamp to its ends.
    func callAsFunction(_ x: Double) -> Double {
        let i = Int((x - Double(firstMapped)).rounded(.down))
        return Double(values[min(max(i, 0), values.count - 1)])
    }

    /// Reads a table from the first item of `sequence` (or top level when nil).
    ///
    /// Returns nil for absent or inconsistent tables (a broken LUT falls back to the next step of
    /// the pipeline rather than failing the display).
    static func read(
        _ object: OpaquePointer, sequence: (UInt16, UInt16)?, descriptor: (UInt16, UInt16), data: (UInt16, UInt16),
        signedInput: Bool
    ) -> LookupTable? {
        let (sg, se) = sequence ?? (0, 0)
        var desc = [UInt16](repeating: 0, count: 3)
        guard cdcmtk_words(object, sg, se, descriptor.0, descriptor.1, &desc, 3) == 3 else { return nil }
        let count = cdcmtk_words(object, sg, se, data.0, data.1, nil, 0)
        guard count > 0, count <= 1 << 17 else { return nil }
        var words = [UInt16](repeating: 0, count: count)
        _ = cdcmtk_words(object, sg, se, data.0, data.1, &words, words.count)
        let entries = desc[0] == 0 ? 65536 : Int(desc[0])
        let first = signedInput ? Int(Int16(bitPattern: desc[1])) : Int(desc[1])
        let bits = Int(desc[2])
        var values: [Int]
        if bits <= 8 && count * 2 >= entries && count < entries {
            // 8-bit entries packed two per word.
            values = words.flatMap { [Int($0 & 0xFF), Int($0 >> 8)] }
        } else {
            values = words.map { Int($0) }
        }
        if values.count > entries { values.removeLast(values.count - entries) }
        guard !values.isEmpty else { return nil }
        return LookupTable(firstMapped: first, values: values, bits: bits)
    }
}
