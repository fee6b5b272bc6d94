import Foundation
import NeuromodLab
import NeuromodTasks

/// The fuzz targets' entry points: untrusted bytes handed to a spec parser or a data reader.
///
/// A thrown error is the right answer to bad input and is caught here; only a crash (a trap, an
/// out-of-bounds index, a failed precondition), a hang or unbounded memory is a finding. The libFuzzer
/// executables in `Fuzz/` call ``fuzz(_:_:)``; `FuzzCorpusTests` replays the seed corpus and the
/// regression inputs of `Tests/Fixtures/fuzz/<target>/` through ``run(_:)`` without the fuzzer.
public enum FuzzEntry: String, CaseIterable, Sendable {
    /// Spec text → the study registry, which hands it to its kind's parser (task, episodic, readout, evolution); data paths in a sandbox.
    case spec
    /// gzip or zlib bytes → the inflater (whole content, and a bounded prefix).
    case gzip
    /// An IDX file, plain or gzip → the IDX reader.
    case idx
    /// A numeric CSV table, plain or gzip → the table reader.
    case csv
    /// A labeled-pixel CSV (label, pixels…), plain or gzip → its reader, for 8-bit and 4-bit pixels.
    case pixels

    /// Runs the input through this target's readers; true if at least one of them accepted it.
    @discardableResult
    public func run(_ bytes: [UInt8]) -> Bool {
        let source = "fuzz-input"
        switch self {
        case .spec:
            let text = String(decoding: bytes, as: UTF8.self)
            return (try? StudyRegistry.parse(text, file: source, resolveData: FuzzSandbox.resolve)) != nil
        case .gzip:
            _ = Gzip.prefix(bytes, count: 64)
            return (try? Gzip.decompress(bytes, path: source, limit: 1 << 24)) != nil
        case .idx:
            return (try? IDXFile.parse(Self.inflated(bytes), source: source)) != nil
        case .csv:
            guard let table = try? CSVTable.parse(Self.inflated(bytes), source: source) else { return false }
            _ = try? table.columnIndex(table.columns.last ?? "")
            return true
        case .pixels:
            let text = (try? Self.inflated(bytes)) ?? bytes
            return [255, 16].map { (try? LabeledPixelCSV.parse(text, source: source, maxPixel: $0)) != nil }.contains(true)
        }
    }

    /// The libFuzzer entry: the first call lowers ``MemoryLimit`` to 1 GiB (below the fuzzer's
    /// `-rss_limit_mb=2048`, so a size the readers let through shows as an out-of-memory finding).
    public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        _ = Self.lowerLimit
        run(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    private static let lowerLimit: Void = { MemoryLimit.bytes = 1 << 30 }()

    private static func inflated(_ bytes: [UInt8]) throws -> [UInt8] {
        Gzip.hasMagic(bytes) ? try Gzip.decompress(bytes, path: "fuzz-input", limit: 1 << 24) : bytes
    }
}
