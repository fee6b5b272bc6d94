import Foundation

/// Reading data files into memory, transparently inflating gzip-compressed ones.
///
/// Compression is detected from the content (the gzip magic bytes `1f 8b`), never from the file name,
/// so `x.csv` holding gzip data and `x.csv.gz` holding plain text are both read correctly. Implements
/// the reading contract of ../shared/data/README.md ("A reader must inflate them").
public enum DataFile {
    /// The whole content of the file at `path`, inflated if it is gzip-compressed.
    ///
    /// - Parameter path: a file path, absolute or relative to the working directory; it is quoted
    ///   unchanged in error messages.
    /// - Throws: ``DataError/fileNotFound(path:)``, ``DataError/unreadable(path:)``, or the gzip
    ///   errors of a damaged compressed file (``DataError/corruptGzip(path:offset:detail:)``,
    ///   ``DataError/truncatedGzip(path:offset:)``), or ``DataError/tooLarge(path:problem:)`` when the
    ///   file, or its inflated content, is larger than ``MemoryLimit/bytes`` (checked before reading).
    public static func read(path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError.fileNotFound(path: path)
        }
        let size = storedSize(path: path)
        guard MemoryLimit.allows(size) else {
            throw DataError.tooLarge(path: path, problem: "the file holds \(MemoryLimit.format(size))")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw DataError.unreadable(path: path)
        }
        let bytes = [UInt8](data)
        return Gzip.hasMagic(bytes) ? try Gzip.decompress(bytes, path: path) : bytes
    }
}
