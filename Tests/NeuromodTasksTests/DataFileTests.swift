import Foundation
import Testing
@testable import NeuromodTasks

@Suite struct DataFileTests {
    @Test func plainFileIsReadUnchanged() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let bytes: [UInt8] = Array("x,y\n1,2\n".utf8)
        #expect(try DataFile.read(path: dir.write("plain.csv", bytes)) == bytes)
    }

    @Test func gzipIsDetectedByContentNotName() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let bytes = Array(variedCSV(rows: 50).utf8)
        #expect(try DataFile.read(path: dir.write("compressed.csv", gzip(bytes))) == bytes)
        #expect(try DataFile.read(path: dir.write("plain.csv.gz", bytes)) == bytes)
    }

    @Test func concatenatedGzipMembersAreJoined() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let first = Array(variedCSV(rows: 30).utf8), second = Array("tail\n".utf8)
        #expect(try DataFile.read(path: dir.write("two.gz", gzip(first) + gzip(second))) == first + second)
    }

    @Test func missingFileIsNamed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.url.appendingPathComponent("absent.csv").path
        let error = #expect(throws: DataError.self) { try DataFile.read(path: path) }
        #expect(error == .fileNotFound(path: path))
        #expect(error?.description == "\(path): file not found")
    }

    @Test func directoryIsUnreadable() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        #expect(throws: DataError.unreadable(path: dir.url.path)) { try DataFile.read(path: dir.url.path) }
    }

    /// Flipping bytes in the middle of the deflate data must be detected (by deflate decoding or the
    /// CRC-32 check) no earlier than the damage and reported with the file and an offset.
    @Test func corruptGzipNamesFileAndOffset() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var damaged = gzip(Array(variedCSV(rows: 400).utf8))
        let middle = damaged.count / 2
        for i in middle..<(middle + 8) { damaged[i] ^= 0xFF }
        let path = try dir.write("damaged.csv.gz", damaged)

        let error = #expect(throws: DataError.self) { try CSVTable.load(path: path) }
        guard case .corruptGzip(let errorPath, let offset, _) = error else {
            Issue.record("expected corruptGzip, got \(String(describing: error))")
            return
        }
        #expect(errorPath == path)
        #expect(offset >= middle && offset <= damaged.count)
        #expect(error!.description.hasPrefix("\(path): corrupt gzip stream at byte \(offset)"))
        #expect(!error!.description.contains("\n"))
    }

    @Test func truncatedGzipNamesFileAndOffset() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let whole = gzip(Array(variedCSV(rows: 400).utf8))
        for length in [whole.count / 2, whole.count - 4, 2] {
            let path = try dir.write("cut\(length).csv.gz", Array(whole[..<length]))
            let error = #expect(throws: DataError.self) { try DataFile.read(path: path) }
            #expect(error == .truncatedGzip(path: path, offset: length))
            #expect(error?.description.hasPrefix("\(path): truncated gzip stream") == true)
            #expect(error?.description.contains("at byte \(length)") == true)
        }
    }

    @Test func dataAfterTheGzipStreamIsRejected() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let member = gzip(Array("a\n1\n".utf8))
        let path = try dir.write("trailing.gz", member + Array("junk".utf8))
        let error = #expect(throws: DataError.self) { try DataFile.read(path: path) }
        guard case .corruptGzip(path, member.count, _) = error else {
            Issue.record("expected corruptGzip at byte \(member.count), got \(String(describing: error))")
            return
        }
    }
}
