import DataFormats
import Foundation
import TestSupport
import Testing
@testable import Learner

struct DataPathTests {
    @Test func producerDeliversEveryImageOncePerEpochInBoundedBatches() throws {
        ComputeThreads.configure(blas: 1, workers: 1)
        let producer = BatchProducer(count: 10, batchSize: 4, imageSize: 8, augmentation: Augmentation(), epochs: 2, seed: 1, capacity: 1) { i in
            ImageSample(width: 6, height: 5, pixels: [Float](repeating: Float(i) / 10, count: 30), labels: [Float(i)])
        }
        var seen: [Int] = [], sizes: [Int] = []
        while let b = try producer.next() {
            #expect(b.images.shape == [b.indices.count, 8, 8, 1])
            #expect(b.labels == b.indices.map(Float.init))
            seen += b.indices
            sizes.append(b.indices.count)
        }
        #expect(sizes == [4, 4, 2, 4, 4, 2])
        #expect(seen[0..<10].sorted() == Array(0..<10) && seen[10...].sorted() == Array(0..<10))
    }

    @Test func streamingSourceIsBatchedInArrivalOrder() throws {
        let counter = Counter()
        let producer = BatchProducer(batchSize: 3, imageSize: 4, augmentation: nil, seed: 1) {
            guard let i = counter.next(below: 7) else { return nil }
            return ImageSample(width: 4, height: 4, pixels: [Float](repeating: Float(i) / 8, count: 16), labels: [Float(i)])
        }
        var labels: [Float] = [], sizes: [Int] = []
        while let b = try producer.next() {
            labels += b.labels
            sizes.append(b.indices.count)
            // Evaluation path: a constant image stays constant after resizing and standardisation.
            #expect(abs(b.images[flat: 0] - (b.labels[0] / 8 - 0.5) / 0.25) < 1e-5)
        }
        #expect(labels == (0..<7).map(Float.init))
        #expect(sizes == [3, 3, 1])
    }

    @Test func producerReportsABadSource() {
        let producer = BatchProducer(count: 3, batchSize: 2, imageSize: 8, augmentation: nil, seed: 1) { i in
            ImageSample(width: 4, height: 4, pixels: i == 2 ? [1] : [Float](repeating: 0, count: 16))
        }
        #expect(throws: Never.self) { _ = try producer.next() }
        #expect(throws: LearnerError.self) { _ = try producer.next() }
    }

    @Test func evaluationResizeIsExactOnAConstantImageAndAugmentationStaysClose() {
        let src = [Float](repeating: 0.75, count: 36)
        var dst = [Float](repeating: 0, count: 16)
        src.withUnsafeBufferPointer { s in dst.withUnsafeMutableBufferPointer { d in
            Augmentation.resize(s.baseAddress!, width: 6, height: 6, into: d.baseAddress!, size: 4)
        } }
        for v in dst { #expect(abs(v - (0.75 - 0.5) / 0.25) < 1e-5) }
        // A left-bright image stays left-bright under the mild default augmentation.
        let grad = (0..<64).map { Float($0 % 8 < 4 ? 1 : 0) }
        var rng = SeededRandom(seed: 2)
        var out = [Float](repeating: 0, count: 64)
        grad.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { d in
            Augmentation().apply(s.baseAddress!, width: 8, height: 8, into: d.baseAddress!, size: 8, rng: &rng)
        } }
        let left = (0..<64).filter { $0 % 8 < 2 }.map { out[$0] }.reduce(0, +), right = (0..<64).filter { $0 % 8 >= 6 }.map { out[$0] }.reduce(0, +)
        #expect(left > right)
    }

    @Test func loadsPneumoniaMNISTSplits() throws {
        let url = TestEnvironment.sharedData.appendingPathComponent("images/pneumoniamnist_28px_trainsubset.npz")
        let archive = try NPZArchive(contentsOf: url)
        let test = try LabeledImageSet.npz(archive, split: "test", name: "npz")
        #expect(test.count == 624 && test.width == 28 && test.height == 28)
        #expect(test.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(Set(test.labels) == [0, 1])
        #expect(throws: LearnerError.self) { try LabeledImageSet.npz(archive, split: "nope", name: "npz") }
    }

    @Test func loadsAPNGClassFolder() throws {
        let dir = TestEnvironment.sharedData.appendingPathComponent("images/NIH1000_64px/test")
        let set = try LabeledImageSet.folder(dir)
        #expect(set.count == 200 && set.width == 64)
        #expect(set.labels.filter { $0 == 1 }.count == 100)
    }
}

/// A thread-safe source of 0, 1, 2, … for the streaming producer test.
final class Counter: @unchecked Sendable {
    // @unchecked: `value` is only touched with `lock` held.
    private let lock = NSLock()
    private var value = 0

    func next(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}
