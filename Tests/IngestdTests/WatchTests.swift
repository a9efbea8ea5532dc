import Foundation
import Ingestd
import Testing
import TestSupport

struct DirectoryScannerTests {
    @Test func listsRegularFilesRecursivelySkippingHiddenAndLinks() throws {
        let root = try TestEnvironment.makeTemporaryDirectory("ingestd-scan")
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("study/series"), withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: root.appendingPathComponent("a.dcm"))
        try Data([4]).write(to: root.appendingPathComponent("study/series/b.dcm"))
        try Data([5]).write(to: root.appendingPathComponent(".partial.dcm"))
        try fm.createDirectory(at: root.appendingPathComponent(".hidden"), withIntermediateDirectories: true)
        try Data([6]).write(to: root.appendingPathComponent(".hidden/c.dcm"))
        let outside = try TestEnvironment.makeTemporaryDirectory("ingestd-outside")
        defer { try? fm.removeItem(at: outside) }
        try Data([7]).write(to: outside.appendingPathComponent("secret.dcm"))
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("link").path, withDestinationPath: outside.path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("link.dcm").path, withDestinationPath: outside.appendingPathComponent("secret.dcm").path)

        let missing = root.appendingPathComponent("not-mounted").path
        let (files, problems) = DirectoryScanner(roots: [root.path, missing]).scan()
        #expect(files.map(\.path) == [root.appendingPathComponent("a.dcm").path, root.appendingPathComponent("study/series/b.dcm").path])
        #expect(files.first?.size == 3)
        #expect(problems.map(\.path) == [missing])
    }

    @Test func depthIsBounded() throws {
        let root = try TestEnvironment.makeTemporaryDirectory("ingestd-deep")
        defer { try? FileManager.default.removeItem(at: root) }
        let deep = root.appendingPathComponent("1/2/3")
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)
        try Data([1]).write(to: deep.appendingPathComponent("x.dcm"))
        let (files, problems) = DirectoryScanner(roots: [root.path], maxDepth: 1).scan()
        #expect(files.isEmpty)
        #expect(problems.count == 1)
    }
}

struct StableFileDetectorTests {
    let second: Int64 = 1_000_000_000

    func file(_ path: String, _ size: Int64, _ mtime: Int64) -> FileObservation {
        FileObservation(path: path, size: size, modifiedNanoseconds: mtime)
    }

    @Test func aGrowingFileIsReadyOnlyAfterItStopsChanging() {
        var detector = StableFileDetector(stableForNanoseconds: 2 * second)
        #expect(detector.update(with: [file("/in/a", 10, 1)], now: 0).isEmpty)
        #expect(detector.update(with: [file("/in/a", 20, 2)], now: 1 * second).isEmpty)
        #expect(detector.update(with: [file("/in/a", 20, 2)], now: 2 * second).isEmpty)
        #expect(detector.pendingCount == 1)
        #expect(detector.update(with: [file("/in/a", 20, 2)], now: 3 * second) == [file("/in/a", 20, 2)])
        #expect(detector.pendingCount == 0)
    }

    @Test func aReadyFileIsHandedOutOnceUntilItChanges() {
        var detector = StableFileDetector(stableForNanoseconds: second)
        _ = detector.update(with: [file("/in/a", 5, 1)], now: 0)
        #expect(detector.update(with: [file("/in/a", 5, 1)], now: second).count == 1)
        #expect(detector.update(with: [file("/in/a", 5, 1)], now: 5 * second).isEmpty)
        // Rewritten in place: considered afresh after its own quiet period.
        #expect(detector.update(with: [file("/in/a", 6, 9)], now: 6 * second).isEmpty)
        #expect(detector.update(with: [file("/in/a", 6, 9)], now: 7 * second) == [file("/in/a", 6, 9)])
    }

    @Test func aFileThatDisappearsAndReturnsIsConsideredAgain() {
        var detector = StableFileDetector(stableForNanoseconds: 0)
        #expect(detector.update(with: [file("/in/a", 5, 1), file("/in/b", 1, 1)], now: 0).map(\.path) == ["/in/a", "/in/b"])
        #expect(detector.update(with: [file("/in/b", 1, 1)], now: 1).isEmpty)
        #expect(detector.update(with: [file("/in/a", 5, 1), file("/in/b", 1, 1)], now: 2).map(\.path) == ["/in/a"])
    }

    @Test func aFileRenamedIntoPlaceIsReadyAtOnceAndNotHandedOutAgain() {
        var detector = StableFileDetector(stableForNanoseconds: 10 * second)
        _ = detector.update(with: [file("/in/a", 5, 1)], now: 0)
        let first = detector.accept(file("/in/a", 5, 1))
        #expect(first)
        #expect(detector.pendingCount == 0)
        let again = detector.accept(file("/in/a", 5, 1))
        #expect(!again)
        #expect(detector.update(with: [file("/in/a", 5, 1)], now: 20 * second).isEmpty)
    }

    @Test func aPartialScanDoesNotForgetFilesItDidNotCover() {
        var detector = StableFileDetector(stableForNanoseconds: second)
        _ = detector.update(with: [file("/in/a", 5, 1), file("/in/b", 1, 1)], now: 0)
        #expect(detector.update(with: [file("/in/b", 1, 1)], now: second, complete: false).map(\.path) == ["/in/b"])
        #expect(detector.pendingPaths == ["/in/a"])
        #expect(detector.update(with: [file("/in/a", 5, 1), file("/in/b", 1, 1)], now: 2 * second).map(\.path) == ["/in/a"])
    }
}
