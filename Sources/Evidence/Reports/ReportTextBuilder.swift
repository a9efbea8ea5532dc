/// Renders structured sections as `HEADING: body` paragraphs and records where each body lies,
/// so spans of structured inputs point into one plain text like those of text inputs.
struct ReportTextBuilder {
    private(set) var text = ""
    private(set) var sections: [ReportSection] = []
    private var utf8Count = 0

    mutating func append(kind: SectionKind, title: String?, body: String) {
        let trimmed = body.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty || title != nil else { return }
        if !text.isEmpty { add("\n\n") }
        if let title { add(title.uppercased() + ": ") }
        let start = utf8Count
        add(trimmed)
        sections.append(ReportSection(kind: kind, title: title, utf8Range: start..<utf8Count))
    }

    private mutating func add(_ s: String) {
        text += s
        utf8Count += s.utf8.count
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let u = Array(utf8)
        var a = 0
        var b = u.count
        while a < b, u[a] == 0x20 || u[a] == 0x0A || u[a] == 0x0D || u[a] == 0x09 { a += 1 }
        while b > a, u[b - 1] == 0x20 || u[b - 1] == 0x0A || u[b - 1] == 0x0D || u[b - 1] == 0x09 { b -= 1 }
        if a == 0 && b == u.count { return self }
        return String(decoding: u[a..<b], as: UTF8.self)
    }
}
