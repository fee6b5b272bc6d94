import Foundation
import Testing
@testable import NeuromodTasks

/// Data files that claim or inflate to more than memory allows stop with one line naming the file,
/// before the large allocation (the limit is passed explicitly, so these tests never change the
/// process-wide ``MemoryLimit``).
@Suite struct HostileDataTests {
    /// 1 MB of zeros inflates from 1 kB: 64 concatenated members make a 64 MB "zip bomb" of 66 kB.
    func bomb(megabytes: Int) -> [UInt8] {
        let member = gzip([UInt8](repeating: 0, count: 1 << 20))
        return (0..<megabytes).flatMap { _ in member }
    }

    @Test func gzipThatInflatesBeyondTheLimitStopsAtTheLimit() {
        #expect(throws: DataError.tooLarge(path: "bomb.gz", problem: "gzip content inflates to more than 4.2 MB")) {
            _ = try Gzip.decompress(bomb(megabytes: 64), path: "bomb.gz", limit: 4 << 20)
        }
    }

    @Test func gzipWithinTheLimitInflatesCompletely() throws {
        let bytes = try Gzip.decompress(bomb(megabytes: 3), path: "ok.gz", limit: 3 << 20)
        #expect(bytes.count == 3 << 20 && bytes.allSatisfy { $0 == 0 })
    }

    @Test func tooLargeMessageIsOneLineNamingFileAndLimit() {
        let message = DataError.tooLarge(path: "data/x.gz", problem: "gzip content inflates to more than 8 GB").description
        #expect(message == "data/x.gz: gzip content inflates to more than 8 GB; the limit is \(MemoryLimit.described)")
        #expect(!message.contains("\n"))
    }

    /// An IDX header declaring 2 000 000 000 images of 28 × 28 is checked against the file's size
    /// (16 header bytes, then 4 pixels) without allocating 1.5 TB.
    @Test func idxHeaderClaimingBillionsOfImagesIsRefusedAgainstTheFileSize() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let count = 2_000_000_000
        let header: [UInt8] = [0, 0, 8, 3, UInt8(count >> 24), UInt8(count >> 16 & 255), UInt8(count >> 8 & 255),
                               UInt8(count & 255), 0, 0, 0, 28, 0, 0, 0, 28]
        let path = try scratch.write("huge-idx", gzip(header + [1, 2, 3, 4]))
        #expect(throws: DataError.invalidIDX(path: path, offset: 20,
                                             problem: "data end after 4 of 1568000000000 bytes (dimensions [2000000000, 28, 28])")) {
            _ = try IDXFile.read(path: path)
        }
    }

    /// Dimensions whose product overflows 64 bits saturate instead of trapping.
    @Test func idxDimensionsWhoseProductOverflowsAreRefused() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let path = try scratch.write("overflow-idx", [0, 0, 8, 3] + [UInt8](repeating: 255, count: 12) + [0])
        #expect(throws: DataError.self) { _ = try IDXFile.read(path: path) }
    }

    @Test func productSaturatesAndSizesAreFormattedForPeople() {
        #expect(MemoryLimit.product(2_000_000_000, 2_000_000_000, 8) == Int.max)
        #expect(MemoryLimit.product(2_000_000_000, 8) == 16_000_000_000)
        #expect(MemoryLimit.product(Int.max, 2) == Int.max)
        #expect(MemoryLimit.format(16_000_000_032) == "16 GB")
        #expect(MemoryLimit.format(1_500_000_000) == "1.5 GB")
        #expect(MemoryLimit.format(512) == "512 B")
        #expect(MemoryLimit.parse("8G") == 8_000_000_000)
        #expect(MemoryLimit.parse("512Mi") == 512 << 20)
        #expect(MemoryLimit.parse("1.5GB") == 1_500_000_000)
        #expect(MemoryLimit.parse("lots") == nil && MemoryLimit.parse("-1G") == nil)
    }

    /// The images of a labeled-pixel file become 8-byte inputs; more than the limit allows is refused
    /// before the input matrix is allocated.
    @Test func imageInputsBeyondTheLimitAreRefusedBeforeAllocation() {
        #expect(throws: DataError.self) {
            _ = try ImageClassification.dataset(
                name: "x", source: "x.csv", pixels: [UInt8](repeating: 0, count: 4), width: 4,
                labels: [0], maxPixel: 255, allowedClasses: 0...9, classes: nil, limit: nil, scaling: .unit,
                memoryLimit: 16)
        }
    }
}
