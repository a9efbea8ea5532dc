/// Word and punctuation tokens over UTF-8 bytes, with case-folded FNV-1a hashes.
///
/// Letters and digits form words (non-ASCII bytes count as letters); a hyphen or apostrophe
/// joins nothing and separates words, so "hyper-inflation" and "hyper inflation" tokenise alike.
/// Every other visible character is a one-byte token.
struct Token {
    var start: Int32
    var end: Int32
    var hash: UInt64
    var kind: Kind

    enum Kind: UInt8 {
        case word
        /// `.` (not between digits), `!`, `?`, `;`, or a blank line.
        case sentenceEnd
        /// `,` `:` `(` `)`: ends a clause, not a sentence.
        case clauseEnd
        case symbol
    }
}

enum Tokenizer {
    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3

    @inline(__always)
    static func isWordByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c >= 0x80
    }

    /// Tokenises `bytes[range]`, appending to `tokens` (reused across calls to avoid allocation).
    static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, into tokens: inout [Token]) {
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let c = bytes[i]
            if isWordByte(c) {
                let s = i
                var h = fnvOffset
                while i < end {
                    var b = bytes[i]
                    guard isWordByte(b) else { break }
                    if b >= 0x41 && b <= 0x5A { b += 32 }
                    h = (h ^ UInt64(b)) &* fnvPrime
                    i += 1
                }
                tokens.append(Token(start: Int32(s), end: Int32(i), hash: h, kind: .word))
                continue
            }
            switch c {
            case 0x20, 0x09, 0x0D, 0x2D, 0x27, 0x22, 0x60:  // space, tab, CR, - ' " `
                i += 1
            case 0x0A:
                // A blank line ends a sentence (list items without periods).
                var j = i + 1
                while j < end, bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0D { j += 1 }
                if j < end, bytes[j] == 0x0A {
                    tokens.append(Token(start: Int32(i), end: Int32(i + 1), hash: 0, kind: .sentenceEnd))
                    i = j + 1
                } else {
                    i += 1
                }
            case 0x2E:  // '.'
                let prevDigit = i > range.lowerBound && bytes[i - 1] >= 0x30 && bytes[i - 1] <= 0x39
                let nextDigit = i + 1 < end && bytes[i + 1] >= 0x30 && bytes[i + 1] <= 0x39
                if !(prevDigit && nextDigit) {
                    tokens.append(Token(start: Int32(i), end: Int32(i + 1), hash: 0, kind: .sentenceEnd))
                }
                i += 1
            case 0x21, 0x3F, 0x3B:  // ! ? ;
                tokens.append(Token(start: Int32(i), end: Int32(i + 1), hash: symbolHash(c), kind: .sentenceEnd))
                i += 1
            case 0x2C, 0x3A, 0x28, 0x29, 0x5B, 0x5D:  // , : ( ) [ ]
                tokens.append(Token(start: Int32(i), end: Int32(i + 1), hash: symbolHash(c), kind: .clauseEnd))
                i += 1
            default:
                tokens.append(Token(start: Int32(i), end: Int32(i + 1), hash: symbolHash(c), kind: .symbol))
                i += 1
            }
        }
    }

    static func symbolHash(_ c: UInt8) -> UInt64 { (fnvOffset ^ UInt64(c)) &* fnvPrime ^ 0x5A5A }

    /// Hashes of a lexicon phrase, tokenised like report text.
    static func phraseHashes(_ phrase: String) -> [UInt64] {
        let bytes = Array(phrase.utf8)
        var tokens: [Token] = []
        bytes.withUnsafeBufferPointer { tokenize($0, range: 0..<bytes.count, into: &tokens) }
        return tokens.map(\.hash)
    }
}
