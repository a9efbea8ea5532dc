import ArgumentParser
import Evidence
import Foundation

/// `ingestctl evidence`.
struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Extract diagnostic evidence from radiology reports.",
        subcommands: [Extract.self, EvalOpenI.self]
    )
}

extension EvidenceCommand {
    enum ExtractorChoice: String, ExpressibleByArgument, CaseIterable {
        case rules, llm, auto
    }

    /// `ingestctl evidence extract`: one JSON object per report on stdout.
    struct Extract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Extract evidence from report files (text, JSON, HL7 ORU^R01, Open-i XML or .tgz of them).",
            discussion: """
                Spans are [start, end) Unicode scalar offsets into the emitted `text`. Bad inputs are \
                reported on stderr (typed error, no report text) and the others still processed; the exit \
                status is 1 if any input failed.
                """
        )

        @Option(help: "Input format: auto, text, json, hl7, openi.") var format: String = "auto"
        @Option(help: "rules (default, offline), llm (with fallback to rules), auto (llm when --llm-url is set).")
        var extractor: ExtractorChoice = .rules
        @OptionGroup var llm: LLMOptions
        @Flag(help: "One compact JSON object per line.") var jsonl = false
        @Argument(help: "Report files, .tgz archives of Open-i XML, or - for stdin.") var files: [String] = ["-"]

        func run() async throws {
            guard let fmt = ReportFormat(rawValue: format) else {
                throw ValidationError("unknown --format \(format); use one of \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let vocabulary = try Vocabulary.bundled()
            let rules = RuleExtractor(vocabulary: vocabulary)
            let engine: any EvidenceExtracting
            let useLLM = extractor == .llm || (extractor == .auto && llm.resolvedURL != nil)
            if useLLM {
                engine = try llm.makeExtractor(rules: rules)
            } else {
                engine = rules
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = jsonl ? [.sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            // LLM requests overlap up to the endpoint's concurrency limit; output keeps input order.
            let window = useLLM ? max(1, llm.llmConcurrency) : 1
            var failed = 0
            for file in files {
                let reports: [Report]
                do { reports = try Self.read(file, format: fmt) } catch {
                    failed += 1
                    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                    continue
                }
                var start = 0
                while start < reports.count {
                    let batch = Array(reports[start..<min(reports.count, start + window)])
                    start += batch.count
                    let results = await withTaskGroup(of: (Int, ExtractionResult).self) { group in
                        for (i, r) in batch.enumerated() { group.addTask { (i, await engine.extract(r)) } }
                        var out = [ExtractionResult?](repeating: nil, count: batch.count)
                        for await (i, r) in group { out[i] = r }
                        return out.compactMap { $0 }
                    }
                    for result in results {
                        var line = try encoder.encode(result)
                        line.append(0x0A)
                        FileHandle.standardOutput.write(line)
                    }
                }
            }
            if failed > 0 { throw ExitCode(1) }
        }

        static func read(_ file: String, format: ReportFormat) throws -> [Report] {
            if file == "-" {
                let data = FileHandle.standardInput.readDataToEndOfFile()
                return [try ReportReader.read([UInt8](data), format: format, input: "stdin")]
            }
            let url = URL(fileURLWithPath: file)
            if file.hasSuffix(".tgz") || file.hasSuffix(".tar.gz") || file.hasSuffix(".tar") {
                let corpus = try OpenICorpus(archive: url)
                for f in corpus.failures { FileHandle.standardError.write(Data("error: \(f)\n".utf8)) }
                return corpus.reports
            }
            let data: Data
            do { data = try Data(contentsOf: url) } catch {
                throw EvidenceError(.io, input: file, "cannot read file")
            }
            return [try ReportReader.read([UInt8](data), format: format, input: url.lastPathComponent)]
        }
    }

    /// `ingestctl evidence eval-openi`: per-label P/R/F1 against NegBio's Open-i gold standard.
    struct EvalOpenI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval-openi",
            abstract: "Score the rule extractor on Open-i reports against the 14-label gold standard.",
            discussion: """
                A report is positive for a ChestX-ray14 label when an item of a finding mapped to it is \
                present. Uncertain items are scored both ways (uncertain_as_positive, uncertain_as_negative); \
                macro_f1_min_positives averages over labels with at least --min-positives gold positives.
                """
        )

        @Option(help: "NLMCXR_reports.tgz") var reports: String
        @Option(help: "openi_gld_std14.csv") var gold: String
        @Option(help: "Split file (one CXR id per line); omit to score every gold report.") var split: String?
        @Flag(help: "Score the reports NOT in --split (the tuning set).") var complement = false
        @Option(help: "Minimum gold positives for the restricted macro-F1.") var minPositives = 5
        @Flag(help: "Print the evaluation as JSON.") var json = false
        @Option(help: "Print false positives/negatives of this scoring to stderr: positive or negative.") var errors: String?

        func run() async throws {
            let vocabulary = try Vocabulary.bundled()
            let rules = RuleExtractor(vocabulary: vocabulary)
            let corpus = try OpenICorpus(archive: URL(fileURLWithPath: reports))
            let goldLabels = try OpenICorpus.gold(contentsOf: URL(fileURLWithPath: gold))
            let splitIDs = try split.map { try OpenICorpus.split(contentsOf: URL(fileURLWithPath: $0)) }
            var predictions: [(gold: Set<String>, items: [EvidenceItem])] = []
            var byID: [String: Report] = [:]
            for r in corpus.reports { byID[r.id] = r }
            // Every gold report of the split counts; one whose XML has only empty sections predicts nothing.
            let ids = goldLabels.keys.filter { id in splitIDs.map { $0.contains(id) != complement } ?? true }.sorted()
            var empty = 0
            for id in ids {
                guard let g = goldLabels[id] else { continue }
                guard let report = byID[id] else {
                    empty += 1
                    predictions.append((g, []))
                    continue
                }
                let items = rules.items(for: report)
                predictions.append((g, items))
                if let errors {
                    let pred = LabelEvaluation.labels(of: items, vocabulary: vocabulary, uncertainPositive: errors == "positive")
                    let g14 = g.intersection(Vocabulary.chestXray14Labels)
                    if pred != g14 {
                        var msg = "\(report.id) FP=\(pred.subtracting(g14).sorted()) FN=\(g14.subtracting(pred).sorted())\n"
                        for s in report.sections where s.kind.isDiagnostic {
                            msg += "  \(s.kind.rawValue): \(String(decoding: Array(report.text.utf8)[s.utf8Range], as: UTF8.self))\n"
                        }
                        for i in items { msg += "    \(i.finding) \(i.presence.rawValue) \(i.locations) \(i.severity?.rawValue ?? "-")\n" }
                        FileHandle.standardError.write(Data(msg.utf8))
                    }
                }
            }
            let evaluation = LabelEvaluation(predictions: predictions, vocabulary: vocabulary, minPositives: minPositives)
            if empty > 0 { FileHandle.standardError.write(Data("note: \(empty) report(s) without text scored as predicting no label\n".utf8)) }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                FileHandle.standardOutput.write(try encoder.encode(evaluation))
                FileHandle.standardOutput.write(Data("\n".utf8))
            } else {
                for (name, s) in [("uncertain_as_positive", evaluation.uncertain_as_positive), ("uncertain_as_negative", evaluation.uncertain_as_negative)] {
                    print("\(name): reports=\(evaluation.reports) micro_f1=\(fmt(s.micro_f1)) macro_f1=\(fmt(s.macro_f1)) macro_f1(>=\(s.min_positives) pos)=\(fmt(s.macro_f1_min_positives))")
                    print("  label                 pos   tp   fp   fn  prec   rec    f1")
                    for l in s.labels {
                        print("  " + l.label.padding(toLength: 20, withPad: " ", startingAt: 0)
                            + String(format: "%5d%5d%5d%5d  %.3f  %.3f  %.3f", l.positives, l.tp, l.fp, l.fn, l.precision, l.recall, l.f1))
                    }
                }
            }
        }

        private func fmt(_ x: Double) -> String { String(format: "%.4f", x) }
    }
}
