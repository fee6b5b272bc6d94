import Foundation
import Testing

/// `neuromod run` on hostile specs and data files: one line on stderr, exit code 1, no output
/// folder, and a peak resident memory under 1 GB (measured with /usr/bin/time when it exists).
@Suite struct HostileInputCommandTests {
    static let time = "/usr/bin/time"

    /// Runs `neuromod run SPEC --out out ARGS` in the scratch folder's cwd under /usr/bin/time
    /// (when present) and checks the contract; returns the error line.
    @discardableResult
    func expectRefused(_ spec: String, _ extra: [String] = [], in scratch: CLIScratchDirectory,
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let measure = FileManager.default.isExecutableFile(atPath: Self.time)
        let rssFile = scratch.path("rss.txt")
        let process = Process()
        let neuromod = try NeuromodCLI.executable().path
        let arguments = ["run", spec, "--out", "out", "--quiet"] + extra
        process.executableURL = URL(fileURLWithPath: measure ? Self.time : neuromod)
        process.arguments = measure ? ["-f", "%M", "-o", rssFile, neuromod] + arguments : arguments
        process.currentDirectoryURL = scratch.cwd
        process.standardInput = FileHandle.nullDevice
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = stderr.split(separator: "\n").map(String.init)
        #expect(process.terminationStatus == 1, "\(stderr)", sourceLocation: sourceLocation)
        #expect(lines.count == 1 && lines[0].hasPrefix("Error: "), "\(stderr)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: scratch.cwd.appendingPathComponent("out").path), sourceLocation: sourceLocation)
        if measure, let text = try? String(contentsOfFile: rssFile, encoding: .utf8),
           let kilobytes = text.split(separator: "\n").last.flatMap({ Int($0) }) {
            #expect(kilobytes < 1_000_000, "peak RSS \(kilobytes) kB", sourceLocation: sourceLocation)
        }
        return lines.first ?? ""
    }

    @Test func deepNestingBillionLaughsAndHugeSizesStopWithOneLine() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let deep = try scratch.write("deep.yaml", "name: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000))
        #expect(try expectRefused(deep, in: scratch) == "Error: \(deep):1: nested more than 64 levels deep; the limit is 64")
        var laughs = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1...9 { laughs.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        try expectRefused(try scratch.write("laughs.yaml", laughs.joined(separator: "\n") + "\nname: *a9\n"), in: scratch)
        let layer = try scratch.write("layer.yaml", editedSpec("- {size: 8, activation: sigmoid}", "- {size: 2000000000, activation: sigmoid}"))
        #expect(try expectRefused(layer, ["--memory-limit", "8G"], in: scratch)
            == "Error: \(layer): network.layers[0].size: 2000000000 needs 1.6 TB for its weights, updates and activity; the limit is 8 GB (--memory-limit)")
        let hidden = try scratch.write("env.yaml", HostileSpecTests.environment.replacingOccurrences(of: "[8]", with: "[2000000000]"))
        try expectRefused(hidden, ["--memory-limit", "8G"], in: scratch)
        let pixels = try HostileSpecTests.pixels(in: scratch)
        let readout = try scratch.write("readout.yaml", HostileSpecTests.readout(data: pixels).replacingOccurrences(of: "hidden: 20", with: "hidden: 2000000000"))
        try expectRefused(readout, ["--memory-limit", "8G"], in: scratch)
        let evolution = try scratch.write("evolution.yaml", HostileSpecTests.evolution(data: pixels).replacingOccurrences(of: "genes: [40]", with: "genes: [2000000000]"))
        try expectRefused(evolution, ["--memory-limit", "8G"], in: scratch)
    }

    /// Command-line overrides change sizes after the spec was read; they are checked too.
    @Test func hugeOverridesAreRefused() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let tiny = try scratch.write("tiny.yaml", tinySinusoidSpec)
        #expect(try expectRefused(tiny, ["--runs", "2000000000000", "--memory-limit", "8G"], in: scratch)
            == "Error: \(tiny): training.epochs: 2 (× 4 updates) needs 8.3 PB for the per-update metrics of every run; the limit is 8 GB (--memory-limit)")
        let env = try scratch.write("env.yaml", HostileSpecTests.environment)
        try expectRefused(env, ["--episodes", "2000000000000", "--memory-limit", "8G"], in: scratch)
    }

    /// A gzip CSV that inflates to 64 MB, read with a 40 MB limit (the process itself takes about
    /// 34 MB of it), stops at the limit.
    @Test func gzipBombStopsAtTheMemoryLimit() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let member = try Self.gzipOfZeros(megabytes: 1, in: scratch)
        let bomb = scratch.url.appendingPathComponent("bomb.csv.gz")
        try Data((0..<64).flatMap { _ in member }).write(to: bomb)
        let spec = try scratch.write("table.yaml", editedSpec("""
          kind: sinusoid
          low: -3.141592653589793
          high: 3.141592653589793
          samples: 64
          noise: 0.1
        """, """
          kind: table
          path: bomb.csv.gz
          targets: [y]
        """))
        #expect(try expectRefused(spec, ["--memory-limit", "40M"], in: scratch)
            == "Error: \(bomb.path): gzip content inflates to more than 40 MB; the limit is 40 MB (--memory-limit)")
    }

    /// A readout study over IDX files whose header claims 2 000 000 000 images of 28 × 28 pixels is
    /// refused from the header, before the images are read.
    @Test func idxHeaderClaimingBillionsOfImagesIsRefused() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let n = 2_000_000_000
        let count = [UInt8(n >> 24), UInt8(n >> 16 & 255), UInt8(n >> 8 & 255), UInt8(n & 255)]
        try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("mnist"), withIntermediateDirectories: true)
        for split in ["train", "t10k"] {
            try Data([0, 0, 8, 3] + count + [0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3])
                .write(to: scratch.url.appendingPathComponent("mnist/\(split)-images-idx3-ubyte.gz"))
            try Data([0, 0, 8, 1] + count + [1, 2]).write(to: scratch.url.appendingPathComponent("mnist/\(split)-labels-idx1-ubyte.gz"))
        }
        let spec = try scratch.write("idx.yaml", HostileSpecTests.readout(data: "unused")
            .replacingOccurrences(of: "{file: unused, max_pixel: 16}", with: "{folder: mnist}"))
        let line = try expectRefused(spec, ["--memory-limit", "8G"], in: scratch)
        #expect(line.hasPrefix("Error: \(spec): data: 2000000000 needs "))
    }

    /// `megabytes` MB of zeros as one gzip member (about 1 kB per MB), made by the system's `gzip`.
    static func gzipOfZeros(megabytes: Int, in scratch: CLIScratchDirectory) throws -> [UInt8] {
        let raw = scratch.url.appendingPathComponent("zeros")
        try Data(count: megabytes << 20).write(to: raw)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-9", "-n", raw.path]
        try process.run()
        process.waitUntilExit()
        return [UInt8](try Data(contentsOf: raw.appendingPathExtension("gz")))
    }
}
