import CZlib
import Foundation
import Testing

/// A fresh directory under the system temporary directory; remove it with ``remove()``.
struct TemporaryDirectory {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("neuromod-tasks-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to the file `name` in the directory and returns its path.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }

    /// Writes `text` (UTF-8) to the file `name` and returns its path.
    func write(_ name: String, text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// `bytes` as a single-member gzip stream (zlib's deflate with window bits 15 + 16, level 9).
func gzip(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    let initStatus = deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    precondition(initStatus == Z_OK, "deflateInit2 failed")
    defer { deflateEnd(&stream) }
    var input = bytes
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
    let written = input.withUnsafeMutableBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            stream.next_out = target.baseAddress
            stream.avail_out = uInt(target.count)
            let status = deflate(&stream, Z_FINISH)
            precondition(status == Z_STREAM_END, "deflate did not finish: \(status)")
            return target.count - Int(stream.avail_out)
        }
    }
    return Array(output[..<written])
}

/// A CSV text of `rows` rows of varied, non-repeating numbers (compresses poorly, so damage to a
/// gzip copy lands in deflate data), with columns `a, b, c`.
func variedCSV(rows: Int) -> String {
    var text = "a,b,c\n"
    var state: UInt64 = 0x1234_5678
    for i in 0..<rows {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let u = Double(state >> 11) / Double(1 << 53)
        text += "\(i),\(u),\(-1000 * u + Double(i) / 7)\n"
    }
    return text
}
