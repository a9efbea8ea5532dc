import Evidence
import Foundation
import Testing

struct VocabularyTests {
    @Test func bundledVocabularyCoversTheRequiredFindings() throws {
        let v = try Vocabulary.bundled()
        #expect(!v.version.isEmpty)
        let required = [
            "atelectasis", "cardiomegaly", "consolidation", "edema", "enlarged_cardiomediastinum", "fracture", "lung_lesion",
            "lung_opacity", "pleural_effusion", "pleural_other", "pneumonia", "pneumothorax", "support_devices", "no_finding",
            "infiltration", "mass", "nodule", "emphysema", "fibrosis", "pleural_thickening", "hernia", "granuloma", "calcification",
            "hyperinflation", "scoliosis", "degenerative_spine",
        ]
        for id in required { #expect(v.findingIDs.contains(id), "missing \(id)") }
        // Every ChestX-ray14 label has a finding mapped to it.
        for label in Vocabulary.chestXray14Labels {
            #expect(v.findings.contains { $0.chestxray14 == label }, "no finding maps to \(label)")
        }
        // Every CheXpert observation too.
        let chexpert = Set(v.findings.compactMap(\.chexpert))
        #expect(chexpert.count == 14)
    }

    @Test func invalidVocabulariesAreTypedErrors() {
        func code(_ json: String) -> EvidenceError.Code? {
            do { _ = try Vocabulary.decode(Data(json.utf8), input: "v.json"); return nil } catch { return error.code }
        }
        let triggers = #""triggers":{"negation_pre":[],"negation_post":[],"uncertainty_pre":[],"uncertainty_post":[],"pseudo":[],"terminators":[]},"modifiers":{"laterality":{},"zone":{},"severity":{}}"#
        #expect(code("{") == .vocabulary)
        #expect(code(#"{"version":"1","findings":[],"subjects":[],"normal_statements":[],"# + triggers + "}") == .vocabulary)  // no no_finding
        let dup = #"{"id":"no_finding","chestxray14":null,"chexpert":null,"pathology":false,"synonyms":[]}"#
        #expect(code(#"{"version":"1","findings":["# + dup + "," + dup + #"],"subjects":[],"normal_statements":[],"# + triggers + "}") == .vocabulary)
        let badLabel = #"{"id":"x","chestxray14":"Lungs","chexpert":null,"pathology":true,"synonyms":["x"]}"#
        #expect(code(#"{"version":"1","findings":["# + dup + "," + badLabel + #"],"subjects":[],"normal_statements":[],"# + triggers + "}") == .vocabulary)
    }
}
