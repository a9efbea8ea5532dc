import Evidence
import Testing

/// Arbitrary bytes in any declared format either parse or throw a typed error; extraction of
/// whatever parses never traps.
struct MalformedInputTests {
    /// SplitMix64: a deterministic generator so failures reproduce.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seeds: [String] = [
        LLMFaultInjectionTestsSamples.hl7,
        "<eCitation><uId id=\"CXR1\"/><AbstractText Label=\"FINDINGS\">No effusion &amp; no XXXX.</AbstractText></eCitation>",
        #"{"accession":"A","sections":{"findings":"Left effusion.","impression":"No pneumothorax."}}"#,
        "FINDINGS: Small left pleural effusion, no pneumothorax.\nIMPRESSION: Possible pneumonia versus atelectasis.",
    ]

    @Test func mutatedInputsParseOrThrowTyped() {
        var g = Generator(state: 42)
        var parsed = 0
        var rejected = 0
        for seed in Self.seeds {
            let base = Array(seed.utf8)
            for _ in 0..<300 {
                var bytes = base
                for _ in 0..<Int.random(in: 1...8, using: &g) {
                    guard !bytes.isEmpty else { break }
                    let i = Int.random(in: 0..<bytes.count, using: &g)
                    switch Int.random(in: 0..<4, using: &g) {
                    case 0: bytes[i] = UInt8.random(in: 0...255, using: &g)
                    case 1: bytes.remove(at: i)
                    case 2: bytes.insert(Array("\\&|^~<>\"{}:.&#;".utf8).randomElement(using: &g) ?? 0, at: i)
                    default: bytes = Array(bytes.prefix(i))
                    }
                }
                for format in ReportFormat.allCases {
                    do {
                        let report = try ReportReader.read(bytes, format: format, input: "fuzz")
                        let items = Fixtures.rules.items(for: report)
                        let count = report.text.unicodeScalars.count
                        #expect(items.allSatisfy { 0 <= $0.span[0] && $0.span[0] < $0.span[1] && $0.span[1] <= count })
                        parsed += 1
                    } catch {
                        #expect(!error.message.isEmpty)
                        rejected += 1
                    }
                }
            }
        }
        #expect(parsed > 0)
        #expect(rejected > 0)
    }
}

enum LLMFaultInjectionTestsSamples {
    static let hl7 = "MSH|^~\\&|RIS|H|I|L|2024||ORU^R01|1|P|2.5\rOBR|1|P|ACC|X\rOBX|1|FT|&IMP||Left effusion\\.br\\No \\X41\\ pneumothorax \\E\\.||||||F"
}
