import Foundation
import Neuromod
import NeuromodTasks
import Testing
@testable import NeuromodLab

/// Every results folder holds a complete `provenance.json`, and `neuromod --version` names the
/// commit. The runs are the command-line tests' tiny specs (a 2-run sinusoid, a 2-run CartPole).
@Suite struct ProvenanceTests {
    /// `provenance.json` of `folder`, decoded (so every field parses), with checks common to all kinds.
    func checkedProvenance(in folder: String, spec: String, jobs: Int) throws -> Provenance {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/provenance.json"))
        let provenance = try JSONDecoder().decode(Provenance.self, from: data)
        let commit = provenance.neuromod.commit
        #expect(commit == "unknown" || (commit.count == 40 && commit.allSatisfy(\.isHexDigit)), "\(commit)")
        #expect((commit == "unknown") == (provenance.neuromod.dirty == nil))
        #expect(provenance.neuromod.version == NeuromodVersion.string)
        #expect(provenance.run.specPath == spec)
        #expect(provenance.run.specSHA256 == SHA256.hex(fileAt: spec))
        #expect(provenance.run.commandLine.dropFirst().first == "run")
        #expect(provenance.run.commandLine.contains("--jobs"))
        #expect(provenance.run.jobs == jobs)
        #expect(provenance.run.blasThreads == 1, "--blas-threads defaults to 1")
        #expect(ISO8601DateFormatter().date(from: provenance.run.started) != nil, "\(provenance.run.started)")
        #expect(provenance.run.started.hasSuffix("Z"))
        #expect(provenance.machine.cores >= 1)
        #expect(!provenance.machine.cpu.isEmpty && !provenance.machine.kernel.isEmpty && !provenance.machine.architecture.isEmpty)
        #expect(["debug", "release"].contains(provenance.build.configuration))
        #expect(provenance.build.swiftCompiler.hasPrefix(">= 6."))
        // The package links OpenBLAS and GSL (Sources/CGSL/module.modulemap).
        #expect(provenance.libraries.blas == "OpenBLAS")
        #expect(provenance.libraries.blasConfig.hasPrefix("OpenBLAS"))
        #expect(provenance.libraries.blasCore != "unknown")
        #expect(provenance.libraries.gsl.first?.isNumber == true, "\(provenance.libraries.gsl)")
        // The CLI runs in a child process with the same environment and CPU as the tests.
        #expect(provenance.kernels == Provenance.KernelChoice(level: Kernels.selected.rawValue,
                                                              available: Kernels.available.map(\.rawValue), forced: Kernels.forced))
        return provenance
    }

    @Test func aTaskRunRecordsItsProvenance() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("tiny.yaml", tinySinusoidSpec)
        let result = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--quiet", "--jobs", "2"], in: scratch.cwd)
        try #require(result.status == 0, "\(result)")
        #expect(result.stdout.contains("provenance.json"))
        let provenance = try checkedProvenance(in: scratch.path("out"), spec: spec, jobs: 2)
        #expect(provenance.run.generator == "taus2", "the spec names no generator: the default")
    }

    @Test func anEpisodicRunRecordsItsProvenance() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let spec = try scratch.write("cartpole.yaml", editedSpec("seed: 2", "seed: 2\nrandom: mt19937", in: tinyCartPoleSpec))
        let result = try NeuromodCLI.run(["run", spec, "--out", scratch.path("out"), "--quiet", "--jobs", "1", "--episodes", "3"], in: scratch.cwd)
        try #require(result.status == 0, "\(result)")
        let provenance = try checkedProvenance(in: scratch.path("out"), spec: spec, jobs: 1)
        #expect(provenance.run.generator == "mt19937")
    }

    @Test func versionNamesTheCommit() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let result = try NeuromodCLI.run(["--version"], in: scratch.cwd)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let line = lines.first ?? ""
        let known = line.wholeMatch(of: /neuromod [0-9.]+ \(commit [0-9a-f]{7}, (clean|dirty)\)/) != nil
        #expect(known || line == "neuromod \(NeuromodVersion.string) (commit unknown)", "\(line)")
        #expect(line.hasPrefix("neuromod \(NeuromodVersion.string) "))
        // The package links OpenBLAS: the second line names it and its kernel.
        let blas = lines.dropFirst().first ?? ""
        #expect(blas.wholeMatch(of: /BLAS: OpenBLAS [0-9.]+.* \(core [A-Za-z0-9_]+, (detected by OpenBLAS|set by the environment: OPENBLAS_CORETYPE=.*|selected by neuromod: OpenBLAS detected [A-Za-z0-9_]+)\)/) != nil, "\(blas)")
        // The third names the kernel level, the levels this CPU offers and how the level was chosen.
        let kernels = lines.dropFirst(2).first ?? ""
        #expect(kernels == "kernels: \(Kernels.summary)", "\(kernels)")
        #expect(kernels.wholeMatch(of: /kernels: (portable|avx2|avx512) \(this CPU: [a-z0-9, ]*portable\)(, forced by NEUROMOD_KERNELS)?/) != nil,
                "\(kernels)")
        #expect(lines.count == 3 || lines.last?.hasPrefix("warning: OpenBLAS runs its old") == true, "\(lines)")
    }

    /// `NEUROMOD_KERNELS` forces a level; a value that is not a level, or one this CPU lacks, makes
    /// every command but `--version` refuse to start, in one line naming the variable and the levels.
    @Test func theKernelLevelCanBeForcedAndABadOneIsRefused() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let offers = Kernels.available.map(\.rawValue).joined(separator: ", ")
        let forced = try NeuromodCLI.run(["--version"], in: scratch.cwd, environment: ["NEUROMOD_KERNELS": "portable"])
        #expect(forced.stdout.contains("\nkernels: portable (this CPU: \(offers)), forced by NEUROMOD_KERNELS\n"), "\(forced)")
        let unset = try NeuromodCLI.run(["--version"], in: scratch.cwd, environment: ["NEUROMOD_KERNELS": nil])
        #expect(unset.stdout.contains("\nkernels: \(Kernels.available[0]) (this CPU: \(offers))\n"), "\(unset)")

        let unknown = try NeuromodCLI.run(["fields"], in: scratch.cwd, environment: ["NEUROMOD_KERNELS": "sse9"])
        #expect(unknown.status == 2)
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.stderr == "Error: NEUROMOD_KERNELS=sse9: not a kernel level (one of portable, avx2, avx512; this CPU offers \(offers))\n")
        let reported = try NeuromodCLI.run(["--version"], in: scratch.cwd, environment: ["NEUROMOD_KERNELS": "sse9"])
        #expect(reported.status == 0)
        #expect(reported.stdout.contains("kernels: \(Kernels.available[0]) (this CPU: \(offers)); NEUROMOD_KERNELS=sse9: not a kernel level"),
                "\(reported)")
        if let missing = KernelLevel.allCases.first(where: { !Kernels.available.contains($0) }) {
            let refused = try NeuromodCLI.run(["fields"], in: scratch.cwd, environment: ["NEUROMOD_KERNELS": missing.rawValue])
            #expect(refused.status == 2)
            #expect(refused.stderr == "Error: NEUROMOD_KERNELS=\(missing): this CPU does not support \(missing) (it offers \(offers))\n")
        }
    }

    /// The fallback the issue describes: Debian's OpenBLAS 0.3.21 on an AVX-512 Xeon picked Prescott.
    @Test func anOldKernelOnAnAVX2CPUWarns() throws {
        let config = "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Prescott MAX_THREADS=64"
        let xeon: Set<String> = ["sse4_2", "avx", "avx2", "fma", "avx512f"]
        let fallback = BLASKernel(library: "OpenBLAS", config: config, core: "Prescott", cpuFlags: xeon)
        let warning = try #require(fallback.warning)
        #expect(warning.contains("Prescott") && warning.contains("OPENBLAS_CORETYPE=SkylakeX"), "\(warning)")
        #expect(fallback.line == "BLAS: \(config) (core Prescott, detected by OpenBLAS)")
        #expect(fallback.source == .detected)
        let avx2Only = BLASKernel(library: "OpenBLAS", config: config, core: "Nehalem", cpuFlags: ["avx", "avx2", "fma"])
        #expect(avx2Only.warning?.contains("OPENBLAS_CORETYPE=Haswell") == true)
        // No warning: the right kernel, an old CPU, an unknown core name, another library.
        #expect(BLASKernel(library: "OpenBLAS", config: config, core: "Haswell", cpuFlags: xeon).warning == nil)
        #expect(BLASKernel(library: "OpenBLAS", config: config, core: "SkylakeX", cpuFlags: xeon).warning == nil)
        #expect(BLASKernel(library: "OpenBLAS", config: config, core: "Core2", cpuFlags: ["sse4_2"]).warning == nil)
        #expect(BLASKernel(library: "OpenBLAS", config: config, core: "unknown", cpuFlags: xeon).warning == nil)
        #expect(BLASKernel(library: "BLIS", config: "2.0", core: "unknown", cpuFlags: xeon).warning == nil)
        let forced = BLASKernel(library: "OpenBLAS", config: config, core: "Haswell", cpuFlags: xeon, forcedCore: "Haswell")
        #expect(forced.line.hasSuffix("(core Haswell, set by the environment: OPENBLAS_CORETYPE=Haswell)"))
        #expect(forced.source == .environment)
        let selected = BLASKernel(library: "OpenBLAS", config: config, core: "SkylakeX", cpuFlags: xeon, forcedCore: "SkylakeX",
                                  detectedCore: "Prescott")
        #expect(selected.line == "BLAS: \(config) (core SkylakeX, selected by neuromod: OpenBLAS detected Prescott)")
        #expect(selected.source == .neuromod(detected: "Prescott"))
        #expect(BLASKernel(library: "OpenBLAS", config: config, core: "Haswell", cpuFlags: xeon, detectedCore: "Prescott").source
                == .detected, "the marker alone (OPENBLAS_CORETYPE unset) is not a selection")
        #expect(BLASKernel(library: "BLIS", config: "0.9.0", core: "unknown", cpuFlags: xeon).line == "BLAS: BLIS 0.9.0")
    }

    @Test func aFolderOutsideGitHasAnUnknownCommit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("neuromod-nogit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let revision = SourceRevision.lookUp(sourceFile: folder.appendingPathComponent("Version.swift").path)
        #expect(revision == SourceRevision(commit: "unknown", dirty: nil))
        #expect(revision.versionLine == "neuromod \(NeuromodVersion.string) (commit unknown)")
        #expect(SourceRevision.lookUp(sourceFile: "/nonexistent-\(UUID().uuidString)/x.swift").commit == "unknown")
    }

    @Test func everyFolderGetsOneProvenanceFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("neuromod-prov-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ResultFolder(folder).write([("a.csv", Data("x\n".utf8))])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["a.csv", "provenance.json"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/a.csv")) == Data("x\n".utf8), "other files unchanged")
        _ = try JSONDecoder().decode(Provenance.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/provenance.json")))
    }
}
