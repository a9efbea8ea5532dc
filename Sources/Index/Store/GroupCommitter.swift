internal import Foundation

/// The store's single writer: callers on any thread or task hand it logical writes; it runs all
/// writes that queued up meanwhile as one group and makes them durable with ONE synced RocksDB
/// write (group commit). A caller is resumed only after its group is on disk, so an acknowledged
/// write survives a crash.
///
/// Thread safety: `queue`, `running` and `vectorSequence` are guarded by `condition`; the writer
/// thread is the only one touching RocksDB write batches.
final class GroupCommitter: @unchecked Sendable {
    typealias Body = (inout StoreTransaction) throws -> Void
    typealias Finish = (IndexError?) -> Void

    private struct Pending {
        var body: Body
        var finish: Finish
    }

    private let database: RocksDatabase
    private let condition = NSCondition()
    private var queue: [Pending] = []
    private var running = true
    private var stopped = false
    private var vectorSequence: UInt64
    private let maxGroup: Int
    /// Applies a durable group's effects in memory (vector index, evidence filters), in commit
    /// order, before the callers are resumed.
    private let apply: ([StoreTransaction.Effect]) -> Void
    private(set) var groupsCommitted = 0

    init(database: RocksDatabase, vectorSequence: UInt64, maxGroup: Int = 4096, apply: @escaping ([StoreTransaction.Effect]) -> Void) {
        self.database = database
        self.vectorSequence = vectorSequence
        self.maxGroup = maxGroup
        self.apply = apply
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "ingestd-store-writer"
        thread.start()
    }

    var currentVectorSequence: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return vectorSequence
    }

    func submit(_ body: @escaping Body, finish: @escaping Finish) {
        condition.lock()
        guard running else {
            condition.unlock()
            finish(IndexError(.closed, input: database.path, "store is closed"))
            return
        }
        queue.append(Pending(body: body, finish: finish))
        condition.signal()
        condition.unlock()
    }

    /// Stops accepting writes, drains what is queued and ends the writer thread.
    func stop() {
        condition.lock()
        running = false
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while queue.isEmpty && running { condition.wait() }
            if queue.isEmpty && !running {
                stopped = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let group = Array(queue.prefix(maxGroup))
            queue.removeFirst(group.count)
            let sequence = vectorSequence
            condition.unlock()
            commit(group, sequence: sequence)
        }
    }

    private func commit(_ group: [Pending], sequence: UInt64) {
        let batch = database.makeBatch()
        var tx = StoreTransaction(database: database, batch: batch, vectorSequence: sequence)
        var failures: [IndexError?] = []
        failures.reserveCapacity(group.count)
        for p in group {
            tx.beginLogical()
            do {
                try p.body(&tx)
                tx.commitLogical()
                failures.append(nil)
            } catch {
                tx.rollbackLogical()
                failures.append(error as? IndexError ?? IndexError(.invalidArgument, input: "write", "\(error)"))
            }
        }
        if tx.vectorSequence != sequence {
            batch.put(.meta, Array(StoreMeta.vectorSequenceKey.utf8), ByteCodec.bigEndian(tx.vectorSequence))
        }
        var groupError: IndexError?
        if batch.count > 0 {
            do { try database.write(batch, sync: true) } catch { groupError = error }
        }
        if groupError == nil {
            condition.lock()
            vectorSequence = tx.vectorSequence
            groupsCommitted += 1
            condition.unlock()
            if !tx.effects.isEmpty { apply(tx.effects) }
        }
        for (p, f) in zip(group, failures) { p.finish(groupError ?? f) }
    }
}

/// Carries a write body's return value from the writer thread to the awaiting caller; written
/// before the caller is resumed, read after, so the resumption orders the accesses.
final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
