internal import Foundation

/// Writes radiologist-like reports whose every statement is known by construction: each present
/// finding is stated affirmatively with its side, zone and severity words; normals are stated
/// only as negations of findings that are absent; hedges are confined to pneumonia.
struct ReportWriter {
    var phrasing: PhantomPhrasing

    /// What the report is about: present findings (with optional geometry words) and context.
    struct Subject {
        var findings: [PhantomFinding]
        var confounders: PhantomConfounders?
        var age: Int?
        var sex: String?
    }

    func write(findings: [PhantomFinding], confounders: PhantomConfounders, age: Int, sex: String, rng: inout PhantomRandom) -> PhantomReport {
        write(Subject(findings: findings, confounders: confounders, age: age, sex: sex), rng: &rng)
    }

    func write(_ subject: Subject, rng: inout PhantomRandom) -> PhantomReport {
        var labels = LabelSet()
        let present = Set(subject.findings.map(\.finding))
        let phrases = FindingPhrases(variety: phrasing.synonymVariety)
        let impressionOnly = rng.chance(phrasing.impressionOnly)

        // Findings sentences for present findings, in a radiologist's order.
        let order: [PhantomFindingID] = [
            .supportDevices, .emphysema, .consolidation, .lungOpacity, .infiltration, .pneumonia, .atelectasis, .edema,
            .nodule, .mass, .fibrosis, .pleuralEffusion, .pleuralThickening, .pneumothorax, .cardiomegaly, .hernia, .fracture,
        ]
        var findingSentences: [String] = []
        var impressionItems: [String] = []
        var hedged = false
        for id in order {
            for f in subject.findings where f.finding == id {
                let s = phrases.sentence(f, rng: &rng, labels: &labels)
                findingSentences.append(s)
                impressionItems.append(phrases.impression(f, rng: &rng, labels: &labels))
                if (id == .consolidation || id == .lungOpacity || id == .infiltration), !present.contains(.pneumonia), !hedged,
                    rng.chance(phrasing.uncertainty)
                {
                    hedged = true
                    let hedge = rng.pick([
                        "Cannot exclude early pneumonia.", "This may represent pneumonia in the appropriate clinical setting.",
                        "Pneumonia is not excluded.", "Possible pneumonia.",
                    ])
                    impressionItems[impressionItems.count - 1] += " " + hedge
                    labels.set(.pneumonia, .uncertain)
                }
            }
        }

        // Negated normals (never for a present finding).
        var negations: [String] = []
        func maybe() -> Bool { rng.chance(phrasing.negatedNormals) }
        let parenchymal: Set<PhantomFindingID> = [
            .consolidation, .lungOpacity, .atelectasis, .edema, .nodule, .mass, .emphysema, .infiltration, .pneumonia, .fibrosis,
        ]
        let noEffusion = !present.contains(.pleuralEffusion)
        let noPTX = !present.contains(.pneumothorax)
        if present.isDisjoint(with: parenchymal), rng.chance(0.5) {
            negations.append(rng.pick(["The lungs are clear.", "Lungs are clear bilaterally.", "Clear lungs."]))
            labels.set(.consolidation, .absent)
            labels.set(.lungOpacity, .absent)
        } else if !present.contains(.consolidation), maybe() {
            negations.append(rng.pick(["No focal consolidation.", "There is no focal airspace consolidation.", "No consolidation is seen."]))
            labels.set(.consolidation, .absent)
        }
        if noEffusion && noPTX && maybe() {
            negations.append(rng.pick([
                "No pleural effusion or pneumothorax.", "No pneumothorax or pleural effusion.",
                "There is no pleural effusion or pneumothorax.", "No evidence of pneumothorax or pleural effusion.",
            ]))
            labels.set(.pleuralEffusion, .absent)
            labels.set(.pneumothorax, .absent)
        } else {
            if noEffusion && maybe() {
                negations.append(rng.pick(["No pleural effusion.", "There is no pleural effusion.", "No evidence of pleural effusion."]))
                labels.set(.pleuralEffusion, .absent)
            }
            if noPTX && maybe() {
                negations.append(rng.pick(["No pneumothorax.", "There is no pneumothorax.", "No evidence of pneumothorax."]))
                labels.set(.pneumothorax, .absent)
            }
        }
        if !present.contains(.cardiomegaly) && maybe() {
            if rng.chance(0.5) {
                negations.append(rng.pick(["Heart size is normal.", "Normal heart size.", "The heart is not enlarged."]))
                labels.set(.cardiomegaly, .absent)
            } else {
                negations.append(rng.pick([
                    "The cardiomediastinal silhouette is within normal limits.", "Normal cardiomediastinal silhouette.",
                    "Cardiomediastinal contours are normal.",
                ]))
                labels.set(.cardiomegaly, .absent)
                labels.set(.enlargedCardiomediastinum, .absent)
            }
        }
        if !present.contains(.edema) && rng.chance(phrasing.negatedNormals * 0.5) {
            negations.append(rng.pick(["No pulmonary edema.", "No evidence of pulmonary edema.", "There is no pulmonary edema."]))
            labels.set(.edema, .absent)
        }
        if !present.contains(.nodule) && !present.contains(.mass) && rng.chance(phrasing.negatedNormals * 0.3) {
            negations.append(rng.pick(["No suspicious pulmonary nodules or masses.", "No pulmonary nodule or mass."]))
            labels.set(.nodule, .absent)
            labels.set(.mass, .absent)
        }
        if !present.contains(.fracture) && rng.chance(phrasing.negatedNormals * 0.4) {
            negations.append(rng.pick(["No acute fracture.", "No displaced rib fracture.", "No acute rib fracture is identified."]))
            labels.set(.fracture, .absent)
        }

        // Non-diagnostic content that follows the acquisition (the confounders' text side).
        var nonDiagnostic: [String] = []
        if let c = subject.confounders, rng.chance(phrasing.nonDiagnostic) {
            if c.ecgLeads { nonDiagnostic.append(rng.pick(["Overlying ECG leads.", "Monitoring leads overlie the chest."])) }
            if abs(c.rotationDegrees) > 3 { nonDiagnostic.append("The patient is slightly rotated.") }
            if c.portable {
                nonDiagnostic.append(rng.pick([
                    "Portable technique limits evaluation.", "Examination performed at the bedside.",
                    "Limited portable examination.",
                ]))
            }
            if c.position == "supine" { nonDiagnostic.append("Supine positioning limits assessment of the bases.") }
        }
        if rng.chance(phrasing.nonDiagnostic * 0.4) {
            nonDiagnostic.append(rng.pick([
                "Visualized upper abdomen is unremarkable.", "Soft tissues are unremarkable.",
                "Surgical clips are absent.", "Osseous structures are intact for age.",
            ].filter { !($0.hasPrefix("Osseous") && present.contains(.fracture)) }))
        }

        // Impression.
        var impression: [String]
        if subject.findings.isEmpty {
            impression = [rng.pick([
                "No acute cardiopulmonary abnormality.", "No acute cardiopulmonary process.", "Normal chest radiograph.",
                "No radiographic evidence of acute cardiopulmonary disease.",
            ])]
            labels.set(.noFinding, .present)
        } else {
            impression = impressionItems
            if !impressionOnly, rng.chance(0.3), let neg = negations.first(where: { $0.contains("pneumothorax") }) {
                impression.append(neg)
            }
        }
        if !subject.findings.isEmpty, rng.chance(phrasing.nonDiagnostic * 0.3) {
            let token = rng.chance(phrasing.deidentificationTokens) ? "XXXX" : "the referring clinician"
            impression.append("Findings were discussed with \(token == "XXXX" ? "Dr. XXXX" : token) at XXXX.")
        }

        var text = ""
        func section(_ title: String, _ body: String) { text += "\(title): \(body)\n\n" }
        if impressionOnly {
            text = "IMPRESSION:\n" + format(impression, numbered: impression.count > 1 && rng.chance(0.6)) + "\n"
            if !negations.isEmpty && rng.chance(0.5) { text += negations.joined(separator: " ") + "\n" } else {
                // Negations not printed are not stated: drop their labels.
                labels.keepOnly(statedIn: text, negations: negations)
            }
            return PhantomReport(text: applyTypo(text, rng: &rng), labels: labels.sorted, impressionOnly: true)
        }
        let tokens = rng.chance(phrasing.deidentificationTokens)
        if rng.chance(0.6) {
            let exam = subject.confounders.map { $0.portable ? "CHEST, PORTABLE \($0.view)" : rng.pick(["CHEST PA AND LATERAL", "CHEST, 2 VIEWS", "XR CHEST PA"]) } ?? "CHEST"
            section("EXAMINATION", exam)
        }
        section("INDICATION", indication(subject, present: present, tokens: tokens, rng: &rng))
        section("TECHNIQUE", technique(subject.confounders, rng: &rng))
        section("COMPARISON", tokens ? rng.pick(["XXXX.", "Chest radiograph XXXX.", "Prior study dated XXXX."]) : rng.pick(["None.", "None available.", "No prior studies."]))
        var body = findingSentences
        let mixed = rng.chance(0.5)
        if mixed { body = findingSentences + negations + nonDiagnostic } else { body = nonDiagnostic + findingSentences + negations }
        if body.isEmpty { body = ["No acute findings."] }
        text += "FINDINGS:\n" + body.joined(separator: " ") + "\n\n"
        text += "IMPRESSION:\n" + format(impression, numbered: impression.count > 1 && rng.chance(0.6)) + "\n"
        return PhantomReport(text: applyTypo(text, rng: &rng), labels: labels.sorted, impressionOnly: false)
    }

    private func format(_ items: [String], numbered: Bool) -> String {
        numbered ? items.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n") : items.joined(separator: " ")
    }

    private func indication(_ s: Subject, present: Set<PhantomFindingID>, tokens: Bool, rng: inout PhantomRandom) -> String {
        var reasons = ["Shortness of breath.", "Cough.", "Chest pain.", "Fever and cough.", "Dyspnea.", "Preoperative evaluation.", "Follow-up."]
        if present.contains(.supportDevices) { reasons += ["Line placement.", "Check device position."] }
        if present.contains(.fracture) { reasons += ["Fall.", "Chest wall pain after trauma."] }
        let reason = rng.pick(reasons)
        let who: String
        let sexWord = s.sex == "F" ? "female" : s.sex == "M" ? "male" : "patient"
        if tokens {
            who = rng.pick(["XXXX-year-old \(sexWord) with", "\(sexWord.capitalized) with history of XXXX,", "XXXX with"])
        } else if let age = s.age {
            who = "\(age)-year-old \(sexWord) with"
        } else {
            who = ""
        }
        return who.isEmpty ? reason : "\(who) \(reason.prefix(1).lowercased())\(reason.dropFirst())"
    }

    private func technique(_ c: PhantomConfounders?, rng: inout PhantomRandom) -> String {
        guard let c else { return rng.pick(["Frontal view of the chest.", "PA and lateral views of the chest."]) }
        if c.portable {
            let pos = c.position == "supine" ? "supine" : c.position == "semi-erect" ? "semi-erect" : "upright"
            return rng.pick([
                "Single portable \(c.view) \(pos) view of the chest.", "Portable \(pos) \(c.view) radiograph of the chest.",
                "One frontal portable view of the chest, \(pos).",
            ])
        }
        return rng.pick(["PA and lateral views of the chest.", "Frontal and lateral views of the chest.", "\(c.view) and lateral chest radiographs."])
    }

    /// Rare harmless typos, only in words that never carry a finding.
    private func applyTypo(_ text: String, rng: inout PhantomRandom) -> String {
        guard rng.chance(phrasing.typo) else { return text }
        let swaps = [("the ", "teh "), ("with ", "wiht "), ("views", "veiws"), ("chest", "chset"), ("There is", "Thre is"), ("normal limits", "normal limtis")]
        let candidates = swaps.filter { text.contains($0.0) }
        guard !candidates.isEmpty else { return text }
        let (a, b) = rng.pick(candidates)
        guard let range = text.range(of: a) else { return text }
        return text.replacingCharacters(in: range, with: b)
    }
}

/// The labels a report states, one presence per finding (present beats uncertain beats absent).
struct LabelSet {
    private var map: [PhantomFindingID: PhantomPresence] = [:]
    private var negationLabels: [String: [PhantomFindingID]] = [:]

    mutating func set(_ id: PhantomFindingID, _ p: PhantomPresence) {
        let rank: [PhantomPresence: Int] = [.present: 3, .uncertain: 2, .absent: 1]
        if let old = map[id], rank[old]! >= rank[p]! { return }
        map[id] = p
    }

    /// Drops absent labels whose negation sentence was not printed.
    mutating func keepOnly(statedIn text: String, negations: [String]) {
        let words: [(String, [PhantomFindingID])] = [
            ("consolidation", [.consolidation]), ("clear", [.consolidation, .lungOpacity]), ("effusion", [.pleuralEffusion]),
            ("pneumothorax", [.pneumothorax]), ("heart", [.cardiomegaly]), ("cardiomediastinal", [.cardiomegaly, .enlargedCardiomediastinum]),
            ("edema", [.edema]), ("nodule", [.nodule, .mass]), ("fracture", [.fracture]),
        ]
        let lower = text.lowercased()
        for (w, ids) in words where !lower.contains(w) {
            for id in ids where map[id] == .absent { map[id] = nil }
        }
    }

    var sorted: [PhantomReportLabel] { map.keys.sorted().map { PhantomReportLabel(finding: $0, presence: map[$0]!) } }
}
