import Foundation
import Testing
@testable import NeuromodTasks

/// Sizes learned from a file's first and last bytes, without reading it whole.
@Suite struct DataFileSizeTests {
    @Test func gzipContentSizeIsTheTrailersRecordedSize() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let text = (0..<5000).map { "\($0),\($0 * 7)" }.joined(separator: "\n")
        let packed = try scratch.write("t.csv.gz", gzip(Array(text.utf8)))
        let plain = try scratch.write("t.csv", text: text)
        #expect(DataFile.contentSize(path: packed) == text.utf8.count)
        #expect(DataFile.contentSize(path: plain) == text.utf8.count)
        #expect(DataFile.prefix(path: packed, count: 9) == Array("0,0\n1,7\n2".utf8))
    }

    @Test func idxDimensionsComeFromTheHeaderAlone() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let header: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 28, 0, 0, 0, 28]
        let path = try scratch.write("x-idx3.gz", gzip(header + [UInt8](repeating: 7, count: 5 * 784)))
        #expect(try IDXFile.dimensions(path: path) == [5, 28, 28])
        let bad = try scratch.write("bad.gz", gzip([1, 2, 3]))
        #expect(throws: DataError.self) { _ = try IDXFile.dimensions(path: bad) }
    }
}
