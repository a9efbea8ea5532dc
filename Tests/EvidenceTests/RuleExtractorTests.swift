import Evidence
import Testing

struct RuleExtractorTests {
    func p(_ finding: String, _ text: String) throws -> Presence? {
        Fixtures.presence(finding, in: try Fixtures.items(text))
    }

    @Test func affirmedMention() throws {
        #expect(try p("pleural_effusion", "There is a small left pleural effusion.") == .present)
        #expect(try p("pneumothorax", "Right apical pneumothorax.") == .present)
    }

    @Test func negationPreTriggersWithListScope() throws {
        let text = "No focal consolidation, pleural effusion, or pneumothorax."
        #expect(try p("consolidation", text) == .absent)
        #expect(try p("pleural_effusion", text) == .absent)
        #expect(try p("pneumothorax", text) == .absent)
        #expect(try p("pneumothorax", "Without evidence of pneumothorax.") == .absent)
        #expect(try p("pleural_effusion", "Negative for pleural effusion.") == .absent)
    }

    @Test func negationPostTriggers() throws {
        #expect(try p("pneumothorax", "Pneumothorax is not seen.") == .absent)
        #expect(try p("pleural_effusion", "Pleural effusion has resolved.") == .absent)
    }

    @Test func negationScopeEndsAtButHoweverAlthoughAndSentenceEnd() throws {
        #expect(try p("atelectasis", "No pneumothorax but there is bibasilar atelectasis.") == .present)
        #expect(try p("pleural_effusion", "No pneumothorax, however a small effusion is present.") == .present)
        #expect(try p("edema", "No consolidation although mild edema is seen.") == .present)
        #expect(try p("cardiomegaly", "No pneumothorax. Cardiomegaly.") == .present)
    }

    @Test func uncertainty() throws {
        #expect(try p("pneumonia", "Right basilar opacity may represent pneumonia.") == .uncertain)
        #expect(try p("pneumonia", "Possible right lower lobe pneumonia.") == .uncertain)
        #expect(try p("pneumothorax", "Small pneumothorax cannot be excluded.") == .uncertain)
        #expect(try p("pneumonia", "Findings suggestive of pneumonia.") == .uncertain)
        #expect(try p("atelectasis", "Atelectasis versus scarring.") == .uncertain)
        #expect(try p("pneumonia", "Atelectasis versus pneumonia.") == .uncertain)
        #expect(try p("nodule", "Questionable nodule in the left upper lobe.") == .uncertain)
    }

    @Test func probableIsPresentWithLowerConfidence() throws {
        let items = try Fixtures.items("Probable right lower lobe pneumonia. Left pleural effusion.")
        let pneumonia = try #require(items.first { $0.finding == "pneumonia" })
        let effusion = try #require(items.first { $0.finding == "pleural_effusion" })
        #expect(pneumonia.presence == .present)
        #expect(pneumonia.confidence < effusion.confidence)
    }

    @Test func scopeClosesAfterSeenAndPostTriggerJoinsTheSpan() throws {
        let text = "No definite pleural effusion seen, dense nodule in the left lung. Pneumothorax is not seen."
        let items = try Fixtures.items(text)
        #expect(Fixtures.presence("pleural_effusion", in: items) == .absent)
        #expect(Fixtures.presence("nodule", in: items) == .present)
        let ptx = try #require(items.first { $0.finding == "pneumothorax" })
        #expect(Fixtures.quote(ptx, in: text) == "Pneumothorax is not seen")
    }

    @Test func pseudoNegationsDoNotNegate() throws {
        #expect(try p("cardiomegaly", "No change in the moderate cardiomegaly.") == .present)
        #expect(try p("pleural_effusion", "No increase in the left pleural effusion.") == .present)
        #expect(try p("atelectasis", "Not only atelectasis but also consolidation.") == .present)
        #expect(try p("consolidation", "Not only atelectasis but also consolidation.") == .present)
    }

    @Test func deidentificationTokenDoesNotBreakNegation() throws {
        #expect(try p("pleural_effusion", "There are no XXXX of a pleural effusion.") == .absent)
        #expect(try p("pneumothorax", "No XXXX pneumothorax.") == .absent)
        #expect(try p("pleural_effusion", "Small XXXX pleural effusion.") == .present)
    }

    @Test func normalStatements() throws {
        let items = try Fixtures.items("Heart size is normal. The lungs are clear. No acute cardiopulmonary abnormality.")
        #expect(Fixtures.presence("cardiomegaly", in: items) == .absent)
        #expect(Fixtures.presence("consolidation", in: items) == .absent)
        #expect(Fixtures.presence("lung_opacity", in: items) == .absent)
        #expect(Fixtures.presence("no_finding", in: items) == .present)
    }

    @Test func noFindingYieldsToPathology() throws {
        let items = try Fixtures.items("Small right pleural effusion. Otherwise no acute cardiopulmonary abnormality.")
        #expect(Fixtures.presence("pleural_effusion", in: items) == .present)
        #expect(Fixtures.presence("no_finding", in: items) != .present)
    }

    @Test func heartSizeQualifiers() throws {
        #expect(try p("cardiomegaly", "The heart is enlarged.") == .present)
        #expect(try p("cardiomegaly", "The heart is not enlarged.") == .absent)
        #expect(try p("cardiomegaly", "The cardiac silhouette is within normal limits.") == .absent)
        #expect(try p("cardiomegaly", "The heart is mildly enlarged.") == .present)
    }

    @Test func locationFromTheSameClause() throws {
        let items = try Fixtures.items("Small left pleural effusion and right upper lobe pneumonia.")
        let effusion = try #require(items.first { $0.finding == "pleural_effusion" })
        let pneumonia = try #require(items.first { $0.finding == "pneumonia" })
        #expect(effusion.locations == ["left"])
        #expect(pneumonia.locations.contains("right"))
        #expect(pneumonia.locations.contains("upper"))
        let bib = try #require(try Fixtures.items("Bibasilar atelectasis.").first { $0.finding == "atelectasis" })
        #expect(bib.locations.contains("bilateral"))
        #expect(bib.locations.contains("basilar"))
        let retro = try #require(try Fixtures.items("Retrocardiac opacity.").first { $0.finding == "lung_opacity" })
        #expect(retro.locations == ["retrocardiac"])
    }

    @Test func severityFromTheSameClause() throws {
        let items = try Fixtures.items("Small left pleural effusion. Large right pneumothorax. Moderate cardiomegaly. Mild edema, no consolidation.")
        #expect(items.first { $0.finding == "pleural_effusion" }?.severity == .mild)
        #expect(items.first { $0.finding == "pneumothorax" }?.severity == .severe)
        #expect(items.first { $0.finding == "cardiomegaly" }?.severity == .moderate)
        #expect(items.first { $0.finding == "edema" }?.severity == .mild)
        #expect(items.first { $0.finding == "consolidation" }?.severity == nil)
    }

    @Test func pluralsHyphenationAndMisspellings() throws {
        #expect(try p("pleural_effusion", "Bilateral pleural effusions.") == .present)
        #expect(try p("pneumothorax", "Small pnuemothorax.") == .present)
        #expect(try p("hyperinflation", "Hyper-expanded lungs.") == .present)
        #expect(try p("lung_opacity", "Air-space disease in the right base.") == .present)
    }

    @Test func indicationIsNotEvidence() throws {
        let text = "INDICATION: Evaluate for pneumonia.\nFINDINGS: Heart size is normal. Lungs are clear.\nIMPRESSION: Normal chest."
        let report = try TextReportParser.parse(text, id: "r")
        let items = Fixtures.rules.items(for: report)
        #expect(!items.contains { $0.finding == "pneumonia" && $0.presence != .absent })
        #expect(Fixtures.presence("no_finding", in: items) == .present)
    }

    @Test func spansQuoteTheReportInUnicodeScalars() throws {
        let text = "Findings — évalué: small left pleural effusion. No pneumothorax."
        let items = try Fixtures.items(text)
        let effusion = try #require(items.first { $0.finding == "pleural_effusion" })
        #expect(Fixtures.quote(effusion, in: text) == "small left pleural effusion")
        let ptx = try #require(items.first { $0.finding == "pneumothorax" })
        #expect(Fixtures.quote(ptx, in: text) == "No pneumothorax")
        for item in items {
            #expect(item.span[0] < item.span[1])
            #expect(item.source == "rules@\(Fixtures.vocabulary.version)")
        }
    }

    @Test func deterministic() throws {
        let text = "Mild cardiomegaly. Possible left basilar atelectasis. No effusion."
        #expect(try Fixtures.items(text) == (try Fixtures.items(text)))
    }
}
