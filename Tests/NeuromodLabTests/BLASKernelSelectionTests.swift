import Foundation
import Testing
@testable import NeuromodLab

/// The launch-time choice of OpenBLAS's kernel (``BLASKernelSelection``): the decision as a table
/// over (library, core, CPU flags, environment), then the re-execution end to end through the built
/// `neuromod` (a named kernel forces the re-execution on any x86-64 CPU).
private let dynamic = "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Prescott MAX_THREADS=64"
private let avx2: Set<String> = ["sse2", "pni", "sse4_2", "avx", "avx2", "fma"]
private let avx512: Set<String> = avx2.union(["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"])
private let old: Set<String> = ["sse2", "pni", "sse4_2", "avx"]

@Suite struct BLASKernelSelectionTests {
    struct Case: Sendable, CustomStringConvertible {
        var library = "OpenBLAS"
        var config = dynamic
        var core: String
        var flags: Set<String>
        var environment: [String: String] = [:]
        var expected: BLASKernelSelection.Action
        var description: String { "\(library) \(core) \(flags.sorted().suffix(3)) \(environment) → \(expected)" }
    }

    static let cases: [Case] = [
        // auto (unset or explicit): an older generation than the CPU's best is replaced.
        Case(core: "Prescott", flags: avx512, expected: .reexecute(kernel: "SkylakeX")),
        Case(core: "Prescott", flags: avx512, environment: ["NEUROMOD_BLAS_KERNEL": "auto"], expected: .reexecute(kernel: "SkylakeX")),
        Case(core: "Prescott", flags: avx2, expected: .reexecute(kernel: "Haswell")),
        Case(core: "Nehalem", flags: avx2, expected: .reexecute(kernel: "Haswell")),
        Case(core: "Haswell", flags: avx512, expected: .reexecute(kernel: "SkylakeX")),
        Case(core: "Zen", flags: avx512, expected: .reexecute(kernel: "SkylakeX")),
        // … and nothing else is.
        Case(core: "Haswell", flags: avx2, expected: .run),
        Case(core: "Zen", flags: avx2, expected: .run),
        Case(core: "SkylakeX", flags: avx512, expected: .run),
        Case(core: "Cooperlake", flags: avx512, expected: .run),
        Case(core: "Prescott", flags: old, expected: .run),
        Case(core: "SomeFutureCore", flags: avx512, expected: .run),
        Case(core: "Prescott", flags: [], expected: .run),
        Case(library: "BLIS", config: "0.9.0", core: "unknown", flags: avx512, expected: .run),
        Case(config: "OpenBLAS 0.3.21 NO_LAPACKE Haswell MAX_THREADS=64", core: "Prescott", flags: avx512, expected: .run),
        // The environment's OPENBLAS_CORETYPE is never overridden; keep opts out.
        Case(core: "Prescott", flags: avx512, environment: ["OPENBLAS_CORETYPE": "Prescott"], expected: .run),
        Case(core: "Prescott", flags: avx512, environment: ["OPENBLAS_CORETYPE": "Prescott", "NEUROMOD_BLAS_KERNEL": "Haswell"],
             expected: .run),
        Case(core: "Prescott", flags: avx512, environment: ["NEUROMOD_BLAS_KERNEL": "keep"], expected: .run),
        Case(core: "Prescott", flags: avx512, environment: ["NEUROMOD_BLAS_KERNEL": "KEEP"], expected: .run),
        // An empty OPENBLAS_CORETYPE is unset to OpenBLAS too.
        Case(core: "Prescott", flags: avx512, environment: ["OPENBLAS_CORETYPE": ""], expected: .reexecute(kernel: "SkylakeX")),
        // A named kernel, any case: selected unless it already runs (even an older one: the user asked).
        Case(core: "Cooperlake", flags: avx512, environment: ["NEUROMOD_BLAS_KERNEL": "haswell"], expected: .reexecute(kernel: "Haswell")),
        Case(core: "Cooperlake", flags: avx512, environment: ["NEUROMOD_BLAS_KERNEL": "Prescott"], expected: .reexecute(kernel: "Prescott")),
        Case(core: "Haswell", flags: avx512, environment: ["NEUROMOD_BLAS_KERNEL": "Haswell"], expected: .run),
        Case(core: "Prescott", flags: avx512.union(["avx512_bf16"]), environment: ["NEUROMOD_BLAS_KERNEL": "Cooperlake"],
             expected: .reexecute(kernel: "Cooperlake")),
    ]

    @Test(arguments: cases) func theDecisionTable(_ c: Case) throws {
        let action = try BLASKernelSelection.decide(library: c.library, config: c.config, core: c.core, cpuFlags: c.flags,
                                                    environment: c.environment)
        #expect(action == c.expected)
    }

    @Test func badRequestsAreOneLineErrors() {
        func message(_ mode: String, library: String = "OpenBLAS", config: String = dynamic, flags: Set<String> = avx2) -> String? {
            do {
                _ = try BLASKernelSelection.decide(library: library, config: config, core: "Prescott", cpuFlags: flags,
                                                   environment: ["NEUROMOD_BLAS_KERNEL": mode])
                return nil
            } catch {
                return error.message
            }
        }
        #expect(message("Skylake") == "NEUROMOD_BLAS_KERNEL=Skylake: expected auto, keep or one of Prescott, Haswell, Zen, SkylakeX, Cooperlake")
        #expect(message("") == "NEUROMOD_BLAS_KERNEL=: expected auto, keep or one of Prescott, Haswell, Zen, SkylakeX, Cooperlake")
        #expect(message("SkylakeX") == "NEUROMOD_BLAS_KERNEL=SkylakeX: this CPU lacks avx512f, avx512cd, avx512bw, avx512dq, avx512vl, "
                + "which the SkylakeX kernel uses")
        #expect(message("Haswell", flags: old) == "NEUROMOD_BLAS_KERNEL=Haswell: this CPU lacks avx2, fma, which the Haswell kernel uses")
        #expect(message("Haswell", library: "BLIS", config: "0.9.0")
                == "NEUROMOD_BLAS_KERNEL=Haswell: the BLAS (BLIS) cannot select a kernel; it takes OpenBLAS built with DYNAMIC_ARCH")
        #expect(message("Haswell", config: "OpenBLAS 0.3.21 Haswell")
                == "NEUROMOD_BLAS_KERNEL=Haswell: the BLAS (OpenBLAS 0.3.21 Haswell) cannot select a kernel; it takes OpenBLAS built with DYNAMIC_ARCH")
        // A bad value is an error even when OPENBLAS_CORETYPE decides.
        #expect(throws: BLASKernelSelection.SelectionError.self) {
            try BLASKernelSelection.decide(library: "OpenBLAS", config: dynamic, core: "Haswell", cpuFlags: avx2,
                                           environment: ["NEUROMOD_BLAS_KERNEL": "fast", "OPENBLAS_CORETYPE": "Haswell"])
        }
    }

    @Test func theBestKernelAndTheGenerations() {
        #expect(BLASKernelSelection.bestKernel(cpuFlags: avx512) == "SkylakeX")
        #expect(BLASKernelSelection.bestKernel(cpuFlags: avx512.subtracting(["avx512dq"])) == "Haswell")
        #expect(BLASKernelSelection.bestKernel(cpuFlags: avx2) == "Haswell")
        #expect(BLASKernelSelection.bestKernel(cpuFlags: avx2.subtracting(["fma"])) == nil)
        #expect(BLASKernelSelection.bestKernel(cpuFlags: []) == nil)
        #expect(["Prescott", "Core2", "Nehalem", "SandyBridge", "Excavator"].map(BLASKernelSelection.generation(ofCore:)) == [0, 0, 0, 0, 0])
        #expect(["Haswell", "ZEN", "SkylakeX", "Cooperlake", "SapphireRapids", "Neoverse"].map(BLASKernelSelection.generation(ofCore:))
                == [1, 1, 2, 2, 2, nil])
    }

    // MARK: End to end, through the built `neuromod`.

    /// `neuromod --version`'s BLAS line with OPENBLAS_CORETYPE removed and `mode` as NEUROMOD_BLAS_KERNEL.
    func versionLines(mode: String?, coretype: String? = nil) throws -> (CLIRunResult, [String]) {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let result = try NeuromodCLI.run(["--version"], in: scratch.cwd,
                                         environment: ["OPENBLAS_CORETYPE": coretype, "NEUROMOD_BLAS_KERNEL": mode,
                                                       "NEUROMOD_BLAS_KERNEL_DETECTED": nil])
        return (result, result.stdout.split(separator: "\n").map(String.init))
    }

    @Test func neuromodReexecutesWithTheKernelAskedFor() throws {
        let (kept, keptLines) = try versionLines(mode: "keep")
        try #require(kept.status == 0, "\(kept)")
        let detected = try #require(keptLines.dropFirst().first?.firstMatch(of: /\(core ([A-Za-z0-9_]+), detected by OpenBLAS\)$/)?.1,
                                    "\(keptLines)")
        // Prescott runs on every x86-64 CPU; when OpenBLAS picked it itself, ask for Haswell.
        let flags = Provenance.Machine.cpuFlags()
        let target = detected != "Prescott" ? "Prescott" : "Haswell"
        try #require(flags.contains("pni") && (target == "Prescott" || flags.contains("avx2")), "an x86-64 CPU with SSE3")
        let (result, lines) = try versionLines(mode: target)
        try #require(result.status == 0, "\(result)")
        #expect(lines.dropFirst().first?.hasSuffix("(core \(target), selected by neuromod: OpenBLAS detected \(detected))") == true,
                "\(lines)")
        #expect(result.stderr.isEmpty, "\(result)")

        // provenance.json of a run says the same.
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("tiny.yaml", tinySinusoidSpec)
        let run = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--quiet", "--jobs", "1"], in: scratch.cwd,
                                      environment: ["OPENBLAS_CORETYPE": nil, "NEUROMOD_BLAS_KERNEL": target])
        try #require(run.status == 0, "\(run)")
        let provenance = try JSONDecoder().decode(Provenance.self, from: Data(contentsOf: URL(fileURLWithPath: scratch.path("out") + "/provenance.json")))
        #expect(provenance.libraries.blasCore == target)
        #expect(provenance.libraries.blasCoreSource == "neuromod")
        #expect(provenance.libraries.blasCoreDetected == String(detected))
        #expect(provenance.run.commandLine.dropFirst().first == "run", "the same arguments after the re-execution")
    }

    @Test func theEnvironmentsKernelIsNeverOverridden() throws {
        let (result, lines) = try versionLines(mode: "Haswell", coretype: "Prescott")
        try #require(result.status == 0, "\(result)")
        #expect(lines.dropFirst().first?.hasSuffix("(core Prescott, set by the environment: OPENBLAS_CORETYPE=Prescott)") == true,
                "\(lines)")
    }

    @Test func aBadModeStopsNeuromodWithOneLine() throws {
        let (result, lines) = try versionLines(mode: "fastest")
        #expect(result.status == 2)
        #expect(lines.isEmpty)
        #expect(result.stderr == "neuromod: error: NEUROMOD_BLAS_KERNEL=fastest: expected auto, keep or one of Prescott, Haswell, "
                + "Zen, SkylakeX, Cooperlake\n")
    }
}
