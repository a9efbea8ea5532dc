/// Several phrasings per finding, with side, zone and severity words. Every phrase names the
/// finding with a term a rule-based extractor knows (e.g. "pleural effusion", "pneumothorax",
/// "cardiomegaly", "atelectasis"), affirmatively.
struct FindingPhrases {
    /// 0 = always the first phrasing; 1 = uniform over all phrasings.
    var variety: Double

    private func choose(_ options: [String], rng: inout PhantomRandom) -> String {
        if options.count == 1 || !rng.chance(variety) { return options[0] }
        return rng.pick(options)
    }

    static func side(_ f: PhantomFinding) -> String? {
        switch f.laterality {
        case .left: "left"
        case .right: "right"
        case .bilateral: "bilateral"
        case nil: nil
        }
    }

    /// "right lower lobe" / "left upper lung" / "right base" for a lung location.
    private func place(_ f: PhantomFinding, rng: inout PhantomRandom) -> String {
        let s = Self.side(f)
        let zone = f.zones.first
        guard let s, s != "bilateral" else {
            switch zone {
            case .upper?: return "upper lungs"
            case .lower?, .basilar?: return "lung bases"
            case .perihilar?: return "perihilar regions"
            default: return "lungs"
            }
        }
        switch zone {
        case .upper?, .apical?: return choose(["\(s) upper lobe", "\(s) upper lung zone", "\(s) upper lung"], rng: &rng)
        case .middle?, .perihilar?:
            return choose(["\(s) mid lung zone", "\(s) mid lung", s == "right" ? "right middle lobe" : "left perihilar region"], rng: &rng)
        case .lower?, .basilar?, .costophrenic?, .retrocardiac?:
            return choose(["\(s) lower lobe", "\(s) lung base", "\(s) lower lung zone"], rng: &rng)
        default: return "\(s) lung"
        }
    }

    private func sevWord(_ f: PhantomFinding, small: Bool, rng: inout PhantomRandom) -> String? {
        guard let sev = f.severity else { return nil }
        switch sev {
        case .mild: return small ? "small" : choose(["mild", "minimal"], rng: &rng)
        case .moderate: return "moderate"
        case .severe: return small ? "large" : choose(["severe", "marked"], rng: &rng)
        }
    }

    private func cap(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }
    private func join(_ parts: String?...) -> String { parts.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ") }

    /// Phrases for a finding whose location is unknown ("from labels" mode).
    private func unlocated(_ f: PhantomFinding, rng: inout PhantomRandom) -> String? {
        guard f.laterality == nil else { return nil }
        switch f.finding {
        case .nodule: return choose(["A pulmonary nodule is seen.", "Small pulmonary nodule.", "There is a nodule in the lung."], rng: &rng)
        case .mass: return choose(["A pulmonary mass is seen.", "There is a lung mass."], rng: &rng)
        case .consolidation: return choose(["Focal consolidation.", "There is airspace consolidation."], rng: &rng)
        case .lungOpacity: return choose(["Patchy airspace opacity.", "There is an ill-defined lung opacity."], rng: &rng)
        case .atelectasis: return choose(["Subsegmental atelectasis.", "Bibasilar atelectasis."], rng: &rng)
        case .infiltration: return choose(["Patchy infiltrates.", "Pulmonary infiltrates are present."], rng: &rng)
        case .pneumonia: return choose(["Findings consistent with pneumonia.", "Pneumonia."], rng: &rng)
        case .pleuralEffusion: return choose(["Pleural effusion.", "There is a pleural effusion."], rng: &rng)
        case .pneumothorax: return choose(["Pneumothorax.", "There is a pneumothorax."], rng: &rng)
        case .fracture: return choose(["Rib fracture.", "There is a rib fracture."], rng: &rng)
        case .pleuralThickening: return choose(["Pleural thickening.", "There is pleural thickening."], rng: &rng)
        default: return nil
        }
    }

    /// A FINDINGS sentence.
    func sentence(_ f: PhantomFinding, rng: inout PhantomRandom, labels: inout LabelSet) -> String {
        labels.set(f.finding, .present)
        if let generic = unlocated(f, rng: &rng) { return generic }
        let side = Self.side(f)
        switch f.finding {
        case .cardiomegaly:
            switch f.severity {
            case .mild?: return choose(["Mild cardiomegaly.", "The heart is mildly enlarged, consistent with mild cardiomegaly.", "Mild cardiomegaly is present."], rng: &rng)
            case .moderate?: return choose(["Moderate cardiomegaly.", "The heart is moderately enlarged (moderate cardiomegaly)."], rng: &rng)
            case .severe?: return choose(["Marked cardiomegaly.", "Severe cardiomegaly.", "The heart is markedly enlarged, consistent with severe cardiomegaly."], rng: &rng)
            case nil: return choose(["Cardiomegaly.", "The heart is enlarged.", "Cardiomegaly is present."], rng: &rng)
            }
        case .pleuralEffusion:
            let size = sevWord(f, small: true, rng: &rng)
            let plural = side == "bilateral"
            let noun = plural ? "pleural effusions" : "pleural effusion"
            var options = [cap(join(size, side, noun)) + ".", "There is a " + join(size, side, noun) + "."]
            if plural { options[1] = "There are " + join(size, side, noun) + "." }
            if f.severity == .mild, let side, !plural {
                options.append("Blunting of the \(side) costophrenic angle, consistent with a small pleural effusion.")
            }
            if f.severity == .severe { options.append(cap(join(size, side, noun)) + " with adjacent opacification.") }
            return choose(options, rng: &rng)
        case .pneumothorax:
            let size = sevWord(f, small: true, rng: &rng)
            var options = [cap(join(size, side, "apical pneumothorax")) + ".", "There is a " + join(size, side, "pneumothorax") + "."]
            if let side { options.append("A visceral pleural line is seen at the \(side) apex, consistent with a \(join(size, "pneumothorax"))."); _ = side }
            return choose(options, rng: &rng)
        case .consolidation:
            let p = place(f, rng: &rng)
            return choose(["Focal consolidation in the \(p).", cap(join(sevWord(f, small: false, rng: &rng), "airspace consolidation in the \(p).")), "There is consolidation in the \(p)."], rng: &rng)
        case .lungOpacity:
            let p = place(f, rng: &rng)
            return choose(["Patchy opacity in the \(p).", "Hazy airspace opacity in the \(p).", "There is an ill-defined opacity in the \(p)."], rng: &rng)
        case .atelectasis:
            let p = place(f, rng: &rng)
            let kind = f.detail == "plate" ? choose(["Plate-like atelectasis", "Discoid atelectasis"], rng: &rng) : choose(["Bandlike atelectasis", "Linear atelectasis", "Subsegmental atelectasis"], rng: &rng)
            return choose(["\(kind) in the \(p).", "Atelectasis at the \(p).", cap(join(sevWord(f, small: false, rng: &rng), "atelectasis in the \(p).")) ], rng: &rng)
        case .edema:
            let sev = sevWord(f, small: false, rng: &rng)
            return choose([cap(join(sev, "pulmonary edema.")), "Bilateral perihilar haziness consistent with \(join(sev, "pulmonary edema")).", cap(join(sev, "interstitial edema with perihilar haze."))], rng: &rng)
        case .nodule:
            let p = place(f, rng: &rng)
            return choose(["A small nodule in the \(p).", "Small pulmonary nodule projecting over the \(p).", cap("\(p) pulmonary nodule.")], rng: &rng)
        case .mass:
            let p = place(f, rng: &rng)
            return choose(["Mass in the \(p).", "Lobulated mass projecting over the \(p).", "There is a \(p) mass."], rng: &rng)
        case .emphysema:
            labels.set(.hyperinflation, .present)
            return choose(["Hyperinflated lungs with flattened hemidiaphragms, consistent with emphysema.", "Emphysema with hyperinflation.", "Changes of emphysema; the lungs are hyperinflated."], rng: &rng)
        case .fracture:
            let s = side ?? "right"
            return choose(["Acute-appearing fracture of a \(s) posterior rib.", "Nondisplaced \(s) rib fracture.", "There is a fracture of the \(s) lateral rib."], rng: &rng)
        case .supportDevices:
            switch f.detail {
            case "endotracheal_tube"?: return choose(["Endotracheal tube terminates above the carina.", "Endotracheal tube in standard position.", "ET tube in satisfactory position."], rng: &rng)
            case "central_line"?: return choose(["Central venous catheter with tip in the superior vena cava.", "Central line with tip projecting over the SVC.", "Central venous line in place."], rng: &rng)
            case "pacemaker"?: return choose(["Left chest wall pacemaker with leads in the right heart.", "Dual-chamber pacemaker in place.", "Cardiac pacemaker with intact leads."], rng: &rng)
            default: return choose(["Support devices in place.", "Monitoring and support devices are in place."], rng: &rng)
            }
        case .pneumonia:
            let p = place(f, rng: &rng)
            return choose(["Findings consistent with pneumonia in the \(p).", "Pneumonia in the \(p)."], rng: &rng)
        case .infiltration:
            let p = place(f, rng: &rng)
            return choose(["Patchy infiltrate in the \(p).", "Pulmonary infiltrates in the \(p)."], rng: &rng)
        case .fibrosis:
            return choose(["Chronic fibrotic changes in the lungs.", "Pulmonary fibrosis with coarse interstitial markings."], rng: &rng)
        case .pleuralThickening:
            return choose([cap(join(side, "pleural thickening.")), "There is " + join(side, "pleural thickening") + "."], rng: &rng)
        case .hernia:
            return choose(["Hiatal hernia.", "A hiatal hernia is present."], rng: &rng)
        case .hyperinflation:
            return "The lungs are hyperinflated."
        case .enlargedCardiomediastinum:
            return "Enlarged cardiomediastinum."
        case .noFinding:
            return "No acute findings."
        }
    }

    /// A shorter IMPRESSION item stating the same finding.
    func impression(_ f: PhantomFinding, rng: inout PhantomRandom, labels: inout LabelSet) -> String {
        labels.set(f.finding, .present)
        if let generic = unlocated(f, rng: &rng) { return generic }
        let side = Self.side(f)
        switch f.finding {
        case .cardiomegaly: return cap(join(sevWord(f, small: false, rng: &rng), "cardiomegaly.")) 
        case .pleuralEffusion:
            return cap(join(sevWord(f, small: true, rng: &rng), side, side == "bilateral" ? "pleural effusions." : "pleural effusion."))
        case .pneumothorax:
            return cap(join(sevWord(f, small: true, rng: &rng), side, "pneumothorax.")) + (rng.chance(0.3) ? " Clinical correlation recommended." : "")
        case .consolidation: return cap("\(place(f, rng: &rng)) consolidation.")
        case .lungOpacity: return cap("\(place(f, rng: &rng)) opacity.")
        case .atelectasis: return cap(join(side == "bilateral" ? "bibasilar" : side.map { "\($0) basilar" }, "atelectasis."))
        case .edema: return cap(join(sevWord(f, small: false, rng: &rng), "pulmonary edema."))
        case .nodule: return cap("\(place(f, rng: &rng)) nodule.") + (rng.chance(0.5) ? " Recommend CT for further evaluation." : "")
        case .mass: return cap("\(place(f, rng: &rng)) mass.") + " CT recommended."
        case .emphysema: return "Emphysema."
        case .fracture: return cap(join(side, "rib fracture."))
        case .supportDevices: return sentence(f, rng: &rng, labels: &labels)
        default: return sentence(f, rng: &rng, labels: &labels)
        }
    }
}
