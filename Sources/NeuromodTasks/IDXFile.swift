/// An IDX array (the MNIST file format): unsigned bytes with their dimensions.
public struct IDXArray: Sendable, Equatable {
    /// Sizes of the dimensions, outermost first (e.g. [10000, 28, 28]).
    public var dimensions: [Int]
    /// The values, row-major over `dimensions`.
    public var values: [UInt8]

    /// Number of items along the first dimension.
    public var count: Int { dimensions.first ?? 0 }
    /// Values per item (the product of the other dimensions; 1 for a vector).
    public var itemSize: Int { dimensions.dropFirst().reduce(1, *) }
}

/// Reads IDX files, plain or gzip-compressed (see ../shared/data/README.md, "IDX format").
///
/// Header: two zero bytes, a type byte (only 0x08, unsigned byte, is used by MNIST and supported
/// here), the number of dimensions, then one big-endian u32 per dimension; the data follow and must
/// fill exactly the product of the dimensions. Byte offsets in errors count in the decompressed
/// content.
public enum IDXFile {
    public static func read(path: String) throws -> IDXArray {
        try parse(DataFile.read(path: path), source: path)
    }

    /// Parses the IDX content `bytes` (already inflated); `path` names it in error messages.
    public static func parse(_ bytes: [UInt8], source path: String) throws -> IDXArray {
        func fail(_ offset: Int, _ problem: String) -> DataError { .invalidIDX(path: path, offset: offset, problem: problem) }
        guard bytes.count >= 4 else { throw fail(bytes.count, "file ends inside the 4-byte magic number") }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw fail(0, "magic number must start with two zero bytes, found \(hex(bytes[0])) \(hex(bytes[1]))")
        }
        guard bytes[2] == 0x08 else { throw fail(2, "element type \(hex(bytes[2])) is not 0x08 (unsigned byte)") }
        let rank = Int(bytes[3])
        guard rank >= 1 else { throw fail(3, "an IDX array needs at least one dimension") }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw fail(bytes.count, "file ends inside the header (\(rank) dimensions need \(headerSize) bytes)")
        }
        var dimensions: [Int] = []
        var expected = 1
        for d in 0..<rank {
            let o = 4 + 4 * d
            let size = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            dimensions.append(size)
            expected = MemoryLimit.product(expected, size)
        }
        let available = bytes.count - headerSize
        guard available >= expected else {
            throw fail(bytes.count, "data end after \(available) of \(expected) bytes (dimensions \(dimensions))")
        }
        guard available == expected else {
            throw fail(headerSize + expected, "\(available - expected) bytes after the \(expected) the dimensions \(dimensions) call for")
        }
        guard MemoryLimit.allows(expected) else {
            throw DataError.tooLarge(path: path, problem: "the header's dimensions \(dimensions) need \(MemoryLimit.format(expected))")
        }
        return IDXArray(dimensions: dimensions, values: Array(bytes[headerSize...]))
    }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "0x" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 15)])
    }
}
