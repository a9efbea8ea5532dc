public import Foundation
internal import DataFormats

/// The safetensors format: 8-byte little-endian header length, a JSON header mapping tensor names
/// to `{dtype, shape, data_offsets}` plus an optional `__metadata__` string map, then the
/// little-endian tensor bytes. Only F32 is written; F32/F64/F16-free readers are enough here.
public struct SafeTensors: Sendable {
    public var tensors: [String: Tensor]
    public var metadata: [String: String]

    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The file bytes; tensors are laid out in name order, header padded to 8 bytes.
    public func encoded() throws(CheckpointError) -> [UInt8] {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]] as [String: Any]
            offset += 4 * t.count
        }
        let json: Data
        do { json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]) } catch {
            throw CheckpointError(.malformed, input: "header", "cannot encode header")
        }
        var headerBytes = [UInt8](json)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + headerBytes.count + offset)
        var n = UInt64(headerBytes.count)
        for _ in 0..<8 { out.append(UInt8(n & 0xFF)); n >>= 8 }
        out += headerBytes
        for name in names {
            let t = tensors[name]!
            out += UnsafeRawBufferPointer(start: t.ptr, count: 4 * t.count)  // hosts are little-endian
        }
        return out
    }

    /// Writes atomically (temp file, fsync, rename).
    public func write(to url: URL) throws(CheckpointError) {
        let bytes = try encoded()
        do { try AtomicFile.write(bytes, to: url) } catch {
            throw CheckpointError(.io, input: url.path, error.message)
        }
    }

    public init(contentsOf url: URL) throws(CheckpointError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CheckpointError(.io, input: url.path, "cannot read: \(error.localizedDescription)")
        }
        try self.init(bytes: [UInt8](data), name: url.path)
    }

    public init(bytes b: [UInt8], name: String = "buffer") throws(CheckpointError) {
        guard b.count >= 8 else { throw CheckpointError(.malformed, input: name, "shorter than the header length") }
        var n: UInt64 = 0
        for i in (0..<8).reversed() { n = n << 8 | UInt64(b[i]) }
        guard n <= UInt64(b.count - 8) else { throw CheckpointError(.malformed, input: name, "header length beyond end of file") }
        let headerEnd = 8 + Int(n)
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: Data(b[8..<headerEnd])) } catch {
            throw CheckpointError(.malformed, input: name, "header is not JSON")
        }
        guard let header = parsed as? [String: Any] else { throw CheckpointError(.malformed, input: name, "header is not a JSON object") }
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        let dataSize = b.count - headerEnd
        for (key, value) in header {
            if key == "__metadata__" {
                guard let m = value as? [String: String] else { throw CheckpointError(.malformed, input: name, "__metadata__ is not a string map") }
                metadata = m
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  let offsets = (entry["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  offsets.count == 2
            else { throw CheckpointError(.malformed, input: name, "bad entry for tensor \(key)") }
            guard (entry["shape"] as? [Any])?.count == shape.count, shape.allSatisfy({ $0 >= 0 }) else {
                throw CheckpointError(.malformed, input: name, "bad shape for tensor \(key)")
            }
            let (count, overflow) = shape.reduce((1, false)) { acc, d in
                let (p, o) = acc.0.multipliedReportingOverflow(by: d)
                return (p, acc.1 || o)
            }
            let elementSize: Int
            switch dtype {
            case "F32": elementSize = 4
            case "F64": elementSize = 8
            default: throw CheckpointError(.unsupported, input: name, "dtype \(dtype) of tensor \(key)")
            }
            guard !overflow, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataSize,
                  offsets[1] - offsets[0] == count * elementSize
            else { throw CheckpointError(.malformed, input: name, "data offsets of tensor \(key) do not match its shape") }
            let t = Tensor(uninitialized: shape)
            let start = headerEnd + offsets[0]
            b.withUnsafeBytes { raw in
                if elementSize == 4 {
                    memcpy(t.ptr, raw.baseAddress! + start, 4 * count)
                } else {
                    for i in 0..<count { t.ptr[i] = Float(raw.loadUnaligned(fromByteOffset: start + 8 * i, as: Double.self)) }
                }
            }
            tensors[key] = t
        }
        self.tensors = tensors
        self.metadata = metadata
    }
}

/// A model's parameters ↔ a safetensors checkpoint.
public enum Checkpoint {
    /// Saves `parameters` by name with `metadata` (architecture, hyper-parameters, vocabulary
    /// version, step), atomically.
    public static func save(_ parameters: [Parameter], metadata: [String: String], to url: URL) throws(CheckpointError) {
        var tensors: [String: Tensor] = [:]
        for p in parameters {
            guard tensors[p.name] == nil else { throw CheckpointError(.mismatch, input: p.name, "duplicate parameter name") }
            tensors[p.name] = p.value
        }
        try SafeTensors(tensors: tensors, metadata: metadata).write(to: url)
    }

    /// Loads into `parameters`: every parameter must be present with its exact shape, and the
    /// file may hold no tensor the model lacks. Nothing is modified unless all checks pass.
    @discardableResult
    public static func load(_ parameters: [Parameter], from url: URL) throws(CheckpointError) -> [String: String] {
        let file = try SafeTensors(contentsOf: url)
        let names = Set(parameters.map(\.name))
        for p in parameters {
            guard let t = file.tensors[p.name] else { throw CheckpointError(.mismatch, input: p.name, "missing from checkpoint") }
            guard t.shape == p.value.shape else {
                throw CheckpointError(.mismatch, input: p.name, "shape \(t.shape) in checkpoint, model has \(p.value.shape)")
            }
        }
        if let extra = file.tensors.keys.sorted().first(where: { !names.contains($0) }) {
            throw CheckpointError(.mismatch, input: extra, "tensor not in the model")
        }
        for p in parameters { p.value.assign(file.tensors[p.name]!) }
        return file.metadata
    }
}
