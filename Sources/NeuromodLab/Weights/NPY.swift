import Foundation
import NeuromodTasks

/// NumPy's `.npy` format, version 1.0, for the three kinds of array a weights file holds.
///
/// A file is the magic `\x93NUMPY`, the version bytes `01 00`, the header length (UInt16, little
/// endian), then the header — the Python literal `{'descr': '<f8', 'fortran_order': False,
/// 'shape': (2, 3), }` padded with spaces and ended by `\n` so that the data starts at a multiple of
/// 64 bytes — then the values in C order: `<f8` (float64), `<i8` (int64) or `<Un` (strings of at most
/// n code points, UTF-32 little endian, zero-padded), all little endian.
///
/// Reading checks the magic, the version (1.0, 2.0 or 3.0), the header's grammar and length (at
/// most ``maxHeader`` bytes), the dtype and the data length against the shape; it never allocates
/// more than the data the file already holds.
enum NPY {
    /// The element type of an array.
    enum DType: Equatable {
        case float64, int64
        /// Strings of at most `n` Unicode code points.
        case unicode(Int)

        var descr: String {
            switch self {
            case .float64: return "<f8"
            case .int64: return "<i8"
            case .unicode(let n): return "<U\(n)"
            }
        }

        var itemSize: Int {
            switch self {
            case .float64, .int64: return 8
            case .unicode(let n): return 4 * n
            }
        }
    }

    /// Longest header read (NumPy writes under 200 bytes for these arrays).
    static let maxHeader = 4096

    // MARK: Writing

    static func encode(_ values: [Double], shape: [Int]) -> Data {
        var data = header(.float64, shape: shape)
        for v in values { append64(v.bitPattern, to: &data) }
        return data
    }

    static func encode(_ values: [Int64]) -> Data {
        var data = header(.int64, shape: [values.count])
        for v in values { append64(UInt64(bitPattern: v), to: &data) }
        return data
    }

    static func append64(_ v: UInt64, to data: inout Data) {
        data.append(StoredZip.le32(UInt32(v & 0xFFFF_FFFF)) + StoredZip.le32(UInt32(v >> 32)))
    }

    static func encode(_ strings: [String]) -> Data {
        let width = max(1, strings.map(\.unicodeScalars.count).max() ?? 1)
        var data = header(.unicode(width), shape: [strings.count])
        for s in strings {
            let scalars = s.unicodeScalars.map(\.value)
            for v in scalars + Array(repeating: 0, count: width - scalars.count) { data.append(StoredZip.le32(v)) }
        }
        return data
    }

    /// The magic, version 1.0 and the padded header of an array of `dtype` and `shape`.
    static func header(_ dtype: DType, shape: [Int]) -> Data {
        var text = "{'descr': '\(dtype.descr)', 'fortran_order': False, 'shape': \(shapeText(shape)), }"
        let unpadded = 10 + text.utf8.count + 1
        text += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        return Data([0x93] + Array("NUMPY".utf8) + [1, 0]) + StoredZip.le16(UInt16(text.utf8.count)) + Data(text.utf8)
    }

    // MARK: Reading

    /// An array's dtype and shape, and where its values lie in the file's bytes.
    struct Stored {
        var dtype: DType
        var shape: [Int]
        var data: Range<Int>
    }

    /// The array stored in `bytes[range]`; `fail` makes the error for a message.
    static func read(_ bytes: [UInt8], _ range: Range<Int>, fail: (String) -> WeightsError) throws -> Stored {
        let b = range.lowerBound
        guard range.count >= 10, bytes[b] == 0x93, Array(bytes[(b + 1)..<(b + 6)]) == Array("NUMPY".utf8) else {
            throw fail("not a .npy array (bad magic)")
        }
        let major = bytes[b + 6]
        guard (1...3).contains(major) else { throw fail("unsupported .npy version \(major).\(bytes[b + 7])") }
        let lengthBytes = major == 1 ? 2 : 4
        guard range.count >= 8 + lengthBytes else { throw fail("truncated header") }
        let length = major == 1 ? Int(StoredZip.u16(bytes, b + 8)) : Int(StoredZip.u32(bytes, b + 8))
        let start = b + 8 + lengthBytes
        guard length <= maxHeader else { throw fail("header of \(length) bytes; the limit is \(maxHeader)") }
        guard start + length <= range.upperBound else { throw fail("truncated header") }
        guard let text = String(bytes: bytes[start..<(start + length)], encoding: .ascii) else { throw fail("header is not ASCII") }
        let (dtype, fortran, shape) = try parseHeader(text, fail: fail)
        guard !fortran else { throw fail("stored in Fortran order; save a C-ordered array (np.ascontiguousarray)") }
        let count = MemoryLimit.product(shape + [dtype.itemSize])
        let data = (start + length)..<range.upperBound
        guard count == data.count else {
            throw fail("holds \(data.count) data bytes; shape \(shapeText(shape)) of \(dtype.descr) needs \(count) (truncated?)")
        }
        return Stored(dtype: dtype, shape: shape, data: data)
    }

    /// `descr`, `fortran_order` and `shape` from a header dict such as
    /// `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`.
    static func parseHeader(_ text: String, fail: (String) -> WeightsError) throws -> (DType, Bool, [Int]) {
        let malformed = fail("malformed header \(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(80))")
        var fields: [String: String] = [:]
        var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        guard rest.hasPrefix("{"), rest.hasSuffix("}") else { throw malformed }
        rest = rest.dropFirst().dropLast()
        // Entries 'key': value, where a value is a quoted string, a word or a parenthesized tuple.
        while let quote = rest.firstIndex(where: { !$0.isWhitespace && $0 != "," }) {
            rest = rest[quote...]
            guard rest.first == "'", let close = rest.dropFirst().firstIndex(of: "'") else { throw malformed }
            let key = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...].drop(while: \.isWhitespace)
            guard rest.first == ":" else { throw malformed }
            rest = rest.dropFirst().drop(while: \.isWhitespace)
            let end: Substring.Index
            switch rest.first {
            case "'": guard let e = rest.dropFirst().firstIndex(of: "'") else { throw malformed }; end = rest.index(after: e)
            case "(": guard let e = rest.firstIndex(of: ")") else { throw malformed }; end = rest.index(after: e)
            default: end = rest.firstIndex(where: { $0 == "," || $0.isWhitespace }) ?? rest.endIndex
            }
            fields[key] = String(rest[..<end])
            rest = rest[end...]
        }
        guard fields.count == 3, let descr = fields["descr"], let order = fields["fortran_order"], let shapeText = fields["shape"],
              descr.hasPrefix("'"), shapeText.hasPrefix("("), ["True", "False"].contains(order) else { throw malformed }
        let dims = shapeText.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let shape = try dims.map { d -> Int in
            guard let n = Int(d), n >= 0 else { throw malformed }
            return n
        }
        return (try dtype(String(descr.dropFirst().dropLast()), fail: fail), order == "True", shape)
    }

    static func dtype(_ descr: String, fail: (String) -> WeightsError) throws -> DType {
        switch descr {
        case "<f8": return .float64
        case "<i8": return .int64
        default:
            if descr.hasPrefix("<U"), let n = Int(descr.dropFirst(2)), (1...256).contains(n) { return .unicode(n) }
            throw fail("dtype '\(descr)' is not float64 ('<f8'), int64 ('<i8') or a short string ('<U…')")
        }
    }

    /// A shape as Python writes a tuple: `(2, 3)`, `(2,)`, `()`.
    static func shapeText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}
