/// HL7 v2.5 ORU^R01 for a radiology report: accession in OBR-3 (filler order number) and OBR-18
/// (placer field 1), one OBX TX segment per text line, optional ZDS with the StudyInstanceUID.
enum HL7Message {
    /// Escapes HL7 delimiters in a field value (HL7 v2.5 §2.7).
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "\\": out += "\\E\\"
            case "|": out += "\\F\\"
            case "^": out += "\\S\\"
            case "&": out += "\\T\\"
            case "~": out += "\\R\\"
            case "\r", "\n": out += " "
            default: out.append(ch)
            }
        }
        return out
    }

    static func oru(
        accession: String, studyInstanceUID: String?, patientID: String, patientName: String, birthDate: String, sex: String,
        dateTime: String, text: String
    ) -> String {
        let nameParts = patientName.split(separator: "^", omittingEmptySubsequences: false).map { escape(String($0)) }
        var segments: [String] = []
        segments.append("MSH|^~\\&|INGESTD_PHANTOM|PHANTOM|INGESTD|RESEARCH|\(dateTime)||ORU^R01^ORU_R01|M\(escape(accession))|P|2.5")
        segments.append("PID|1||\(escape(patientID))^^^PHANTOM^MR||\(nameParts.joined(separator: "^"))||\(birthDate)|\(escape(sex))")
        var obr = [String](repeating: "", count: 26)
        obr[0] = "OBR"
        obr[1] = "1"
        obr[2] = "P" + escape(accession)
        obr[3] = escape(accession)
        obr[4] = "71045^XR CHEST^CPT"
        obr[7] = dateTime
        obr[18] = escape(accession)
        obr[22] = dateTime
        obr[24] = "RAD"
        obr[25] = "F"
        segments.append(obr.joined(separator: "|"))
        var setID = 1
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            segments.append("OBX|\(setID)|TX|18782-3^Radiology Study observation^LN|1|\(escape(String(line)))||||||F")
            setID += 1
        }
        if let uid = studyInstanceUID { segments.append("ZDS|\(escape(uid))^INGESTD^Application^DICOM") }
        return segments.joined(separator: "\r") + "\r"
    }
}
