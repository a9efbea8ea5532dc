public import Foundation

/// A NumPy `.npy` array (format 1.0–3.0, C order, little-endian numeric dtypes).
///
/// Values are kept as raw little-endian bytes so any dtype round-trips exactly; typed accessors
/// convert on demand.
public struct NPYArray: Sendable, Equatable {
    public enum DType: String, Sendable, CaseIterable {
        case bool = "|b1"
        case uint8 = "|u1"
        case int8 = "|i1"
        case uint16 = "<u2"
        case int16 = "<i2"
        case uint32 = "<u4"
        case int32 = "<i4"
        case uint64 = "<u8"
        case int64 = "<i8"
        case float32 = "<f4"
        case float64 = "<f8"

        public var size: Int {
            switch self {
            case .bool, .uint8, .int8: 1
            case .uint16, .int16: 2
            case .uint32, .int32, .float32: 4
            case .uint64, .int64, .float64: 8
            }
        }

        init?(descr: String) {
            var d = descr
            // Single-byte types are written as "|u1" but readers also see "<u1" / "u1".
            if d.count == 2 { d = "|" + d }
            if d.hasPrefix("<") && (d.hasSuffix("1")) { d = "|" + d.dropFirst() }
            if d.hasPrefix("=") { d = "<" + d.dropFirst() }
            self.init(rawValue: d)
        }
    }

    public var dtype: DType
    public var shape: [Int]
    /// Little-endian element bytes, C order.
    public var bytes: [UInt8]

    public var count: Int { shape.reduce(1, *) }

    public init(dtype: DType, shape: [Int], bytes: [UInt8]) {
        precondition(bytes.count == shape.reduce(1, *) * dtype.size, "byte count does not match shape and dtype")
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    public init<T: NPYElement>(_ values: [T], shape: [Int]) {
        precondition(values.count == shape.reduce(1, *), "value count does not match shape")
        self.dtype = T.npyDType
        self.shape = shape
        self.bytes = values.withUnsafeBytes { Array($0) }  // all supported hosts are little-endian
    }

    /// The elements as `T`, which must be the stored dtype.
    public func values<T: NPYElement>(as: T.Type = T.self) throws(DataFormatError) -> [T] {
        guard T.npyDType == dtype else {
            throw DataFormatError(.unsupported, input: "npy", "dtype is \(dtype.rawValue), not \(T.npyDType.rawValue)")
        }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                _ = memcpy(buffer.baseAddress!, raw.baseAddress!, raw.count)
            }
            initialized = count
        }
    }

    /// Any numeric dtype converted to Float.
    public func floats() -> [Float] {
        bytes.withUnsafeBytes { raw -> [Float] in
            switch dtype {
            case .bool, .uint8: return raw.bindMemory(to: UInt8.self).map { Float($0) }
            case .int8: return raw.bindMemory(to: Int8.self).map { Float($0) }
            case .uint16: return raw.bindMemory(to: UInt16.self).map { Float($0) }
            case .int16: return raw.bindMemory(to: Int16.self).map { Float($0) }
            case .uint32: return raw.bindMemory(to: UInt32.self).map { Float($0) }
            case .int32: return raw.bindMemory(to: Int32.self).map { Float($0) }
            case .uint64: return raw.bindMemory(to: UInt64.self).map { Float($0) }
            case .int64: return raw.bindMemory(to: Int64.self).map { Float($0) }
            case .float32: return Array(raw.bindMemory(to: Float.self))
            case .float64: return raw.bindMemory(to: Double.self).map { Float($0) }
            }
        }
    }

    /// Any integer dtype converted to Int (floats are truncated).
    public func ints() -> [Int] {
        bytes.withUnsafeBytes { raw -> [Int] in
            switch dtype {
            case .bool, .uint8: return raw.bindMemory(to: UInt8.self).map { Int($0) }
            case .int8: return raw.bindMemory(to: Int8.self).map { Int($0) }
            case .uint16: return raw.bindMemory(to: UInt16.self).map { Int($0) }
            case .int16: return raw.bindMemory(to: Int16.self).map { Int($0) }
            case .uint32: return raw.bindMemory(to: UInt32.self).map { Int($0) }
            case .int32: return raw.bindMemory(to: Int32.self).map { Int($0) }
            case .uint64: return raw.bindMemory(to: UInt64.self).map { Int(truncatingIfNeeded: $0) }
            case .int64: return raw.bindMemory(to: Int64.self).map { Int($0) }
            case .float32: return raw.bindMemory(to: Float.self).map { Int($0) }
            case .float64: return raw.bindMemory(to: Double.self).map { Int($0) }
            }
        }
    }

    // MARK: Encoding

    /// The `.npy` file bytes (format 1.0, header padded to a multiple of 64).
    public func encoded() -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let len = UInt16(header.utf8.count)
        out += [UInt8(len & 0xFF), UInt8(len >> 8)]
        out += Array(header.utf8)
        out += bytes
        return out
    }

    /// Writes the array atomically (temp file, fsync, rename).
    public func write(to url: URL) throws(DataFormatError) {
        try AtomicFile.write(encoded(), to: url)
    }

    // MARK: Decoding

    public init(contentsOf url: URL) throws(DataFormatError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataFormatError(.io, input: url.path, "cannot read: \(error.localizedDescription)")
        }
        try self.init(npyBytes: [UInt8](data), name: url.path)
    }

    public init(npyBytes b: [UInt8], name: String = "buffer") throws(DataFormatError) {
        guard b.count >= 10, b[0] == 0x93, Array(b[1..<6]) == Array("NUMPY".utf8) else {
            throw DataFormatError(.malformed, input: name, "not a .npy file (bad magic)")
        }
        let major = b[6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(b[8]) | Int(b[9]) << 8
            headerStart = 10
        } else if major == 2 || major == 3 {
            guard b.count >= 12 else { throw DataFormatError(.malformed, input: name, "truncated header") }
            headerLength = Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24
            headerStart = 12
        } else {
            throw DataFormatError(.unsupported, input: name, "npy format version \(major)")
        }
        guard headerStart + headerLength <= b.count else {
            throw DataFormatError(.malformed, input: name, "truncated header")
        }
        let header = String(decoding: b[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = Self.field("descr", in: header).map({ $0.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }),
              let dtype = DType(descr: descr)
        else { throw DataFormatError(.unsupported, input: name, "unsupported or missing dtype in header") }
        if let fortran = Self.field("fortran_order", in: header), fortran.hasPrefix("True") {
            throw DataFormatError(.unsupported, input: name, "Fortran-order arrays")
        }
        guard let shapeRange = header.range(of: "'shape':"),
              let open = header[shapeRange.upperBound...].firstIndex(of: "("),
              let close = header[open...].firstIndex(of: ")")
        else { throw DataFormatError(.malformed, input: name, "missing shape in header") }
        var shape: [Int] = []
        for part in header[header.index(after: open)..<close].split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let v = Int(t), v >= 0 else { throw DataFormatError(.malformed, input: name, "bad shape entry '\(t)'") }
            shape.append(v)
        }
        let (elements, overflow) = shape.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: d)
            return (p, acc.1 || o)
        }
        let dataStart = headerStart + headerLength
        guard !overflow, elements <= (b.count - dataStart) / dtype.size else {
            throw DataFormatError(.malformed, input: name, "data shorter than shape \(shape) requires")
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = Array(b[dataStart..<(dataStart + elements * dtype.size)])
    }

    private static func field(_ key: String, in header: String) -> String? {
        guard let r = header.range(of: "'\(key)':") else { return nil }
        let rest = header[r.upperBound...].trimmingCharacters(in: .whitespaces)
        guard let end = rest.firstIndex(where: { $0 == "," || $0 == "}" }) else { return nil }
        return String(rest[..<end]).trimmingCharacters(in: .whitespaces)
    }
}

/// Element types that map to one NumPy dtype.
public protocol NPYElement: Sendable {
    static var npyDType: NPYArray.DType { get }
}

extension Float: NPYElement { public static var npyDType: NPYArray.DType { .float32 } }
extension Double: NPYElement { public static var npyDType: NPYArray.DType { .float64 } }
extension UInt8: NPYElement { public static var npyDType: NPYArray.DType { .uint8 } }
extension Int8: NPYElement { public static var npyDType: NPYArray.DType { .int8 } }
extension UInt16: NPYElement { public static var npyDType: NPYArray.DType { .uint16 } }
extension Int16: NPYElement { public static var npyDType: NPYArray.DType { .int16 } }
extension UInt32: NPYElement { public static var npyDType: NPYArray.DType { .uint32 } }
extension Int32: NPYElement { public static var npyDType: NPYArray.DType { .int32 } }
extension Int64: NPYElement { public static var npyDType: NPYArray.DType { .int64 } }
extension UInt64: NPYElement { public static var npyDType: NPYArray.DType { .uint64 } }
