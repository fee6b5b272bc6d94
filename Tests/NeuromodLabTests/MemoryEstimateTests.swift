import Foundation
import Testing
@testable import NeuromodLab
import NeuromodTasks

/// `neuromod check`'s memory estimate against peaks measured on short versions of the shipped
/// specs, and the check command's contract.
@Suite struct MemoryEstimateTests {
    static let data = NeuromodCLI.packageRoot.appendingPathComponent("../shared/data").standardized.path
    static var haveMNIST: Bool { FileManager.default.fileExists(atPath: data + "/mnist/train-images-idx3-ubyte.gz") }

    /// A shipped spec run short, and the peak resident memory `/usr/bin/time -v` measured for
    /// `neuromod run SPEC ARGS` (debug build, 2 cores, `--jobs` left at 2; 30 Nov 2026). The housing
    /// spec was copied with `epochs: 2` and its data path made absolute.
    struct Measured: Sendable, CustomTestStringConvertible {
        var spec: String
        var runs: Int?
        var episodes: Int?
        var epochs: Int?
        var generations: Int?
        var methods: [String]?
        var kilobytes: Int
        var testDescription: String { spec }
    }

    static let measured: [Measured] = [
        Measured(spec: "Models/thesis/sinusoid.yaml", runs: 2, kilobytes: 34_092),
        Measured(spec: "Models/thesis/sinusoid.yaml", kilobytes: 43_280),
        Measured(spec: "Models/thesis/sinusoid-3fwp-readings.yaml", runs: 2, kilobytes: 33_712),
        Measured(spec: "Models/nrl/reaching.yaml", runs: 2, episodes: 50, kilobytes: 32_492),
        Measured(spec: "Models/nrl/cartpole.yaml", runs: 2, episodes: 30, kilobytes: 32_872),
        Measured(spec: "Models/nrl/acrobot.yaml", runs: 2, episodes: 3, kilobytes: 32_672),
        Measured(spec: "Models/timing/delay-sweep.yaml", runs: 2, episodes: 5, kilobytes: 33_188),
        Measured(spec: "Models/timing/delay-sweep.yaml", kilobytes: 82_504),
        Measured(spec: "Models/evolution/mnist-0-4-genes.yaml", generations: 1, kilobytes: 267_284),
        Measured(spec: "Models/evolution/mnist-0-9.yaml", generations: 1, kilobytes: 481_104),
        Measured(spec: "Models/dopamine/mnist-h1000.yaml", epochs: 1, methods: ["SignSGD"], kilobytes: 796_924),
        Measured(spec: "Models/dopamine/readings.yaml", epochs: 1, methods: ["printed / winner", "SGD (Adam)"], kilobytes: 837_392),
        Measured(spec: "Models/dopamine/mnist-h5000.yaml", epochs: 1, methods: ["SignSGD"], kilobytes: 2_043_380),
        Measured(spec: "Models/plasticity-rules/table2.yaml", epochs: 1, methods: ["T=1", "T=1*", "GD-output"], kilobytes: 855_360),
        Measured(spec: "Models/plasticity-rules/fig2.yaml", kilobytes: 908_776),
    ]

    /// The estimates and measured peaks side by side are in docs/limits.md (e.g. MNIST h = 1 000,
    /// one epoch of SignSGD: 817 MB estimated, 816 MB measured).
    @Test(.enabled(if: haveMNIST, "needs ../shared/data/mnist"), arguments: measured)
    func estimateIsWithinTwentyPercentOfTheMeasuredPeak(_ m: Measured) throws {
        let path = NeuromodCLI.packageRoot.appendingPathComponent(m.spec).path
        var spec = try StudyRegistry.load(path: path, dataDirectory: Self.data)
        try spec.apply(StudyOverrides(runs: m.runs, methods: m.methods, episodes: m.episodes, epochs: m.epochs, generations: m.generations))
        let estimate = Double(spec.memoryEstimate(jobs: 2).total), peak = Double(m.kilobytes * 1024)
        #expect(abs(estimate / peak - 1) <= 0.2, "\(m.spec): estimated \(Int(estimate) >> 20) MiB, measured \(Int(peak) >> 20) MiB")
    }

    /// California housing at 2 epochs (the full spec would take half an hour in a debug build), its
    /// weight-perturbation runs side by side: measured 95 780 kB (median of 3; `/usr/bin/time -v neuromod run …
    /// --runs 2 --jobs 2`, release build, "AMD EPYC").
    @Test func housingEstimateIsWithinTwentyPercent() throws {
        let root = NeuromodCLI.packageRoot
        let text = try String(contentsOf: root.appendingPathComponent("Models/thesis/california-housing.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "epochs: 100", with: "epochs: 2")
        var spec = try ExperimentSpec.parse(text, file: "housing.yaml", resolveData: {
            root.appendingPathComponent("Models/thesis").appendingPathComponent($0).standardized.path
        })
        spec.runs = 2
        let estimate = Double(spec.memoryEstimate(jobs: 2).total), peak = Double(95_780 * 1024)
        #expect(abs(estimate / peak - 1) <= 0.2)
    }

    /// The same in float32 (`training.precision: float32`), WP and 3F-WP, 2 runs side by side:
    /// measured 74 288 and 73 912 kB (`/usr/bin/time -v neuromod run … --runs 2 --jobs 2 --methods
    /// WP,3F-WP`, release build, "AMD EPYC"), 21.7 MB below float64, about the two float32 probes' saving
    /// (2 × 9.7 MB). The estimate counts every probe at 8 bytes a draw (81 MB, 9 % above the peak): an
    /// overcount by the probes' half, kept because counting 4 would put it 17 % below the peak.
    @Test func housingFloat32EstimateIsWithinTwentyPercent() throws {
        let root = NeuromodCLI.packageRoot
        let text = try String(contentsOf: root.appendingPathComponent("Models/thesis/california-housing.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "epochs: 100", with: "epochs: 2")
            .replacingOccurrences(of: "  on_divergence: record", with: "  on_divergence: record\n  precision: float32")
        var spec = try ExperimentSpec.parse(text, file: "housing.yaml", resolveData: {
            root.appendingPathComponent("Models/thesis").appendingPathComponent($0).standardized.path
        })
        #expect(spec.training.precision == .float32)
        spec.runs = 2
        spec.methods = spec.methods.filter { ["WP", "3F-WP"].contains($0.name) }
        let estimate = Double(spec.memoryEstimate(jobs: 2).total), peak = Double(74_100 * 1024)
        #expect(abs(estimate / peak - 1) <= 0.2)
    }

    /// Many updates: the sinusoid with 16 384 samples in batches of 16 for 10 epochs, 2 runs, i.e.
    /// 81 920 per-update records: measured 70 720 kB.
    @Test func perUpdateMetricsEstimateIsWithinTwentyPercent() throws {
        let text = try String(contentsOf: NeuromodCLI.packageRoot.appendingPathComponent("Models/thesis/sinusoid.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "samples: 1024", with: "samples: 16384")
            .replacingOccurrences(of: "batch_size: 128", with: "batch_size: 16")
            .replacingOccurrences(of: "epochs: 40", with: "epochs: 10")
        var spec = try ExperimentSpec.parse(text, file: "many.yaml")
        spec.runs = 2
        let estimate = Double(spec.memoryEstimate(jobs: 2).total), peak = Double(70_720 * 1024)
        #expect(abs(estimate / peak - 1) <= 0.2)
    }

    @Test func checkPrintsValidityMemoryAndTimeAndWritesNothing() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("tiny.yaml", tinySinusoidSpec)
        let result = try NeuromodCLI.run(["check", spec, "--jobs", "1"], in: scratch.cwd)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(spec): task study 'cli-sinusoid' (1 methods × 2 runs × 2 epochs): valid")
        #expect(lines.contains { $0.hasPrefix("memory: 3") && $0.contains("at the peak with 1 job(s)") })
        #expect(lines.last?.hasPrefix("time: about ") == true)
        #expect(try scratch.contents("cwd").isEmpty)
    }

    @Test func checkRefusesWhatExceedsTheLimitWithOneLine() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("tiny.yaml", tinySinusoidSpec)
        let result = try NeuromodCLI.run(["check", spec, "--memory-limit", "20M"], in: scratch.cwd)
        #expect(result.status == 1)
        #expect(result.stderrLines == ["Error: \(spec): the study needs 34 MB in all (the largest part: 8.3 kB for the per-update metrics of every run, training.epochs: 2 (× 4 updates)); the limit is 20 MB (--memory-limit)"])
    }

    @Test func partsBelowOnePercentAreSummarized() {
        var estimate = MemoryEstimate()
        estimate.add("a", 1, "big", 100_000_000)
        estimate.add("b", 2, "tiny", 10)
        #expect(estimate.lines == ["100 MB   running: big (a: 1)", "         and 1 smaller part(s)"])
        #expect(estimate.total == MemoryEstimate.baseline + 100_000_010)
    }
}
