import ArgumentParser
import DataFormats
import Foundation
import Learner

/// `ingestctl learner`.
struct LearnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learner",
        abstract: "Train and inspect encoders offline.",
        subcommands: [TrainSupervised.self]
    )
}

/// `ingestctl learner train-supervised`: the engine's sanity check on real labelled images.
struct TrainSupervised: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-supervised",
        abstract: "Train the image encoder with a binary classification head; print test AUC and wall time.",
        discussion: """
            --npz FILE: a MedMNIST-style archive with train_/val_/test_ images and labels.
            --folder DIR: PNGs in DIR/{train,valid|val,test}/<class>/ (class 0_normal, 1_abnormal, ...).
            """
    )

    @Option(help: "MedMNIST-style .npz with train_/val_/test_images and _labels.") var npz: String?
    @Option(help: "Folder with train/, valid/ (or val/) and test/ sub-folders of class folders of PNGs.") var folder: String?
    @Option(help: "Passes over the training split.") var epochs: Int = 12
    @Option(help: "Network input size S (multiple of 8); default: the images' size rounded up to a multiple of 8.") var imageSize: Int?
    @Option(help: "Batch size.") var batch: Int = 64
    @Option(help: "Comma-separated channel widths, one residual stage each.") var widths: String = "32,64,128"
    @Option(help: "Projection dimension d.") var dimension: Int = 128
    @Option(help: "Peak learning rate (AdamW, warm-up + cosine).") var lr: Float = 2e-3
    @Option(help: "BLAS and worker threads.") var threads: Int = 2
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Flag(help: "Train without augmentation.") var noAugment = false
    @Option(help: "Write the trained weights here (safetensors).") var checkpoint: String?
    @Flag(help: "Print one JSON document.") var json = false

    func run() async throws {
        let wall = Date()
        let train: LabeledImageSet, validation: LabeledImageSet?, test: LabeledImageSet
        let source: String
        if let npz {
            let url = URL(fileURLWithPath: npz)
            let archive = try NPZArchive(contentsOf: url)
            train = try LabeledImageSet.npz(archive, split: "train", name: npz)
            validation = archive["val_images"] != nil ? try LabeledImageSet.npz(archive, split: "val", name: npz) : nil
            test = try LabeledImageSet.npz(archive, split: "test", name: npz)
            source = url.lastPathComponent
        } else if let folder {
            let root = URL(fileURLWithPath: folder)
            func sub(_ names: [String]) -> URL? {
                names.map { root.appendingPathComponent($0) }.first { FileManager.default.fileExists(atPath: $0.path) }
            }
            guard let trainDir = sub(["train"]), let testDir = sub(["test"]) else {
                throw ValidationError("\(folder) needs train/ and test/ sub-folders")
            }
            train = try LabeledImageSet.folder(trainDir)
            validation = try sub(["valid", "val", "validation"]).map { try LabeledImageSet.folder($0) }
            test = try LabeledImageSet.folder(testDir)
            source = root.lastPathComponent
        } else {
            throw ValidationError("give --npz FILE or --folder DIR")
        }
        let widthList = widths.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !widthList.isEmpty else { throw ValidationError("--widths: comma-separated integers") }
        let multiple = 1 << widthList.count
        let native = max(train.width, train.height)
        let size = imageSize ?? ((native + multiple - 1) / multiple * multiple)
        ComputeThreads.configure(blas: threads, workers: threads)
        var config = SupervisedTraining.Configuration(
            encoder: .init(imageSize: size, widths: widthList, projectionDimension: dimension), epochs: epochs)
        config.batchSize = batch
        config.learningRate = lr
        config.seed = seed
        if noAugment { config.augmentation = nil }
        let training = try SupervisedTraining(config)
        let quiet = json
        let report = try training.run(train: train, validation: validation, test: test) { line in
            if !quiet { print(line) } else { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
        if let checkpoint {
            let meta = try CheckpointMetadata(
                architecture: config.encoder, hyperParameters: config, vocabularyVersion: "none", step: report.steps,
                extra: ["task": "binary-classification", "data": source])
            try Checkpoint.save(training.model.parameters, metadata: meta.dictionary, to: URL(fileURLWithPath: checkpoint))
        }
        let wallSeconds = Date().timeIntervalSince(wall)
        if json {
            var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any] ?? [:]
            object["wall_seconds"] = wallSeconds
            // CPU time tells a loaded machine (wall ≫ CPU / threads) from a slow engine.
            var usage = rusage()
            if getrusage(RUSAGE_SELF.rawValue, &usage) == 0 {
                object["cpu_seconds"] = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                    + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
            }
            object["data"] = source
            object["image_size"] = size
            object["widths"] = widthList
            object["threads"] = threads
            object["batch"] = batch
            var load = [Double](repeating: 0, count: 3)
            if getloadavg(&load, 3) > 0 { object["load_average_1min"] = load[0] }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("test AUC \(String(format: "%.4f", report.testAUC)) (best val AUC \(report.bestValidationAUC.map { String(format: "%.4f", $0) } ?? "n/a") at epoch \(report.bestEpoch)); wall \(String(format: "%.1f", wallSeconds)) s")
        }
    }
}
