import CZlib
import Foundation

/// Sizes of data files learned without reading them into memory: for estimating, before a run,
/// what loading them will cost (`neuromod check`, and the memory check of every spec).
extension DataFile {
    /// Bytes the file at `path` holds on disk (0 if it cannot be inspected).
    public static func storedSize(path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Bytes the file's content occupies once inflated: for a gzip file the size its last member's
    /// trailer records (ISIZE, exact below 4 GiB for single-member files, which is what is shipped),
    /// otherwise the stored size. Read from the file's first and last bytes only.
    public static func contentSize(path: String) -> Int {
        let stored = storedSize(path: path)
        guard stored >= 18, let handle = FileHandle(forReadingAtPath: path) else { return stored }
        defer { try? handle.close() }
        guard let magic = try? handle.read(upToCount: 2), Gzip.hasMagic([UInt8](magic)),
              (try? handle.seek(toOffset: UInt64(stored - 4))) != nil,
              let trailer = try? handle.read(upToCount: 4), trailer.count == 4 else { return stored }
        return trailer.reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}

extension DataFile {
    /// The first `count` bytes of the file's content (inflated if gzip), or fewer; empty if unreadable.
    public static func prefix(path: String, count: Int) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        // Deflate never expands by more than a few bytes per 64 kB block, and a gzip header is at
        // most a few hundred bytes with its file name: this many stored bytes hold `count` inflated ones.
        let start = [UInt8]((try? handle.read(upToCount: max(1 << 16, count + count / 64 + 4096))) ?? Data())
        return Gzip.hasMagic(start) ? Gzip.prefix(start, count: count) : Array(start.prefix(count))
    }
}

extension IDXFile {
    /// The dimensions an IDX file's header declares (plain or gzip), inflating only the header.
    ///
    /// - Throws: ``DataError/fileNotFound(path:)``, or ``DataError/invalidIDX(path:offset:problem:)``
    ///   for a file that cannot be read or whose header is not an unsigned-byte IDX header.
    public static func dimensions(path: String) throws -> [Int] {
        guard FileManager.default.fileExists(atPath: path) else { throw DataError.fileNotFound(path: path) }
        // A gzip header (a few hundred bytes with a file name) and the deflated IDX header fit in 64 kB.
        let bytes = Array(DataFile.prefix(path: path, count: 1 << 16).prefix(4 + 4 * 255))
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0, bytes[2] == 0x08, bytes[3] >= 1,
              bytes.count >= 4 + 4 * Int(bytes[3]) else {
            throw DataError.invalidIDX(path: path, offset: 0, problem: "not an unsigned-byte IDX header")
        }
        return (0..<Int(bytes[3])).map { d in
            bytes[(4 + 4 * d)..<(8 + 4 * d)].reduce(0) { $0 << 8 | Int($1) }
        }
    }
}

extension Gzip {
    /// Up to the first `count` inflated bytes of the gzip data `input` (fewer if the stream is
    /// damaged or shorter); never inflates more than `count` bytes.
    package static func prefix(_ input: [UInt8], count: Int) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: count)
        var source = input
        let produced = source.withUnsafeMutableBufferPointer { src in
            output.withUnsafeMutableBufferPointer { dst in
                stream.next_in = src.baseAddress
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(dst.count)
                while stream.avail_out > 0 && inflate(&stream, Z_NO_FLUSH) == Z_OK {}
                return dst.count - Int(stream.avail_out)
            }
        }
        return Array(output[..<produced])
    }
}
