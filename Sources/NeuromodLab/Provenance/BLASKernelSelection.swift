import Foundation

/// Makes OpenBLAS run the newest verified kernel this CPU supports, for the `neuromod` and
/// `neuromod-bench` programs: ``applyAtLaunch(program:)`` is their first statement.
///
/// OpenBLAS built with `DYNAMIC_ARCH` picks its kernel from the CPUID when the library is loaded,
/// before `main`, and reads `OPENBLAS_CORETYPE` then and only then. A release that does not know a
/// processor falls back to an old kernel: Debian's OpenBLAS 0.3.21 runs `Prescott` (SSE3) on an
/// AVX-512 Xeon whose CPUID model name is the generic "Intel(R) Xeon(R) Processor", where a backprop
/// update of the housing network takes 1.7× as long as under `Haswell`. A process cannot change its
/// kernel afterwards, so the program re-executes itself (`/proc/self/exe`, same arguments) with
/// `OPENBLAS_CORETYPE` set, once, before it has done anything else.
///
/// The decision (``decide(library:config:core:cpuFlags:environment:)``) depends only on its
/// arguments:
///
/// | `NEUROMOD_BLAS_KERNEL` | `OPENBLAS_CORETYPE` set | action |
/// |---|---|---|
/// | any valid value | yes | run as loaded: the environment's choice is never overridden |
/// | `auto` (or unset) | no | re-execute with the ``bestKernel(cpuFlags:)`` when OpenBLAS's own core is of an older generation (no AVX2, or no AVX-512 where the CPU has it); otherwise run |
/// | `keep` | no | run as loaded (the opt-out) |
/// | a kernel of ``verifiedKernels`` | no | re-execute with it unless OpenBLAS already runs it; an error when the CPU lacks its instructions |
/// | anything else | – | an error naming the accepted values |
///
/// Only OpenBLAS with `DYNAMIC_ARCH` in its `openblas_get_config()` can be selected; another BLAS, or
/// a core name this table does not know, is left alone (and a named kernel is an error there).
/// After the re-execution `NEUROMOD_BLAS_KERNEL_DETECTED` holds the core OpenBLAS had picked, so
/// ``BLASKernel`` reports "selected by neuromod" and the child never re-executes again.
///
/// Library users cannot be re-executed: they set `OPENBLAS_CORETYPE` themselves (``BLASKernel``'s
/// `warning` says when it is worth it). Linux only; elsewhere ``applyAtLaunch(program:)`` does nothing.
public enum BLASKernelSelection {
    /// The environment variable that chooses the mode: `auto` (the default), `keep`, or a kernel name.
    public static let modeVariable = "NEUROMOD_BLAS_KERNEL"
    /// Set by the re-execution to the core OpenBLAS had detected.
    public static let detectedVariable = "NEUROMOD_BLAS_KERNEL_DETECTED"

    /// An OpenBLAS 0.3.21 kernel (`OPENBLAS_CORETYPE` value) and the `/proc/cpuinfo` flags it needs.
    public struct Kernel: Sendable, Equatable {
        /// The name `OPENBLAS_CORETYPE` takes and `openblas_get_corename()` returns.
        public var name: String
        /// CPU flags (as in `/proc/cpuinfo`) its code uses.
        public var requiredFlags: [String]
    }

    /// The kernels the whole test suite passed under (Benchmarks/README.md, "Which BLAS"), oldest first.
    public static let verifiedKernels: [Kernel] = [
        Kernel(name: "Prescott", requiredFlags: ["sse2", "pni"]),
        Kernel(name: "Haswell", requiredFlags: ["avx2", "fma"]),
        Kernel(name: "Zen", requiredFlags: ["avx2", "fma"]),
        Kernel(name: "SkylakeX", requiredFlags: ["avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]),
        Kernel(name: "Cooperlake",
               requiredFlags: ["avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16"]),
    ]

    /// What the program does at launch.
    public enum Action: Sendable, Equatable {
        /// Go on with the kernel the library loaded with.
        case run
        /// Re-execute with `OPENBLAS_CORETYPE` set to this kernel.
        case reexecute(kernel: String)
    }

    /// A value of `NEUROMOD_BLAS_KERNEL` that cannot be honoured; ``message`` is one line.
    public struct SelectionError: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The verified kernel auto mode selects: `SkylakeX` when the CPU has AVX-512 F, CD, BW, DQ and VL,
    /// else `Haswell` with AVX2 and FMA, else nil (nothing to gain over the old kernels).
    ///
    /// - Parameter cpuFlags: the CPU's flags as in `/proc/cpuinfo`.
    /// - Returns: the kernel's name, or nil.
    public static func bestKernel(cpuFlags: Set<String>) -> String? {
        ["SkylakeX", "Haswell"].first { name in kernel(named: name)!.requiredFlags.allSatisfy(cpuFlags.contains) }
    }

    /// The generation of an OpenBLAS x86-64 core name: 0 without AVX2 (``BLASKernel/kernelsWithoutAVX2``),
    /// 1 for the AVX2 kernels (`Haswell`, `Zen`), 2 for the AVX-512 ones (`SkylakeX`, `Cooperlake`,
    /// `SapphireRapids`); nil for a name it does not know.
    ///
    /// - Parameter core: a core name as `openblas_get_corename()` returns it (any case).
    /// - Returns: 0, 1, 2 or nil.
    public static func generation(ofCore core: String) -> Int? {
        let name = core.lowercased()
        if BLASKernel.kernelsWithoutAVX2.contains(name) { return 0 }
        if ["haswell", "zen"].contains(name) { return 1 }
        if ["skylakex", "cooperlake", "sapphirerapids"].contains(name) { return 2 }
        return nil
    }

    /// Decides, from what the process loaded and its environment, whether to re-execute (see the
    /// table above).
    ///
    /// - Parameters:
    ///   - library: `OpenBLAS`, `BLIS` or `unknown` (``Provenance/Libraries``).
    ///   - config: `openblas_get_config()`; selection needs `DYNAMIC_ARCH` in it.
    ///   - core: `openblas_get_corename()`.
    ///   - cpuFlags: the CPU's flags as in `/proc/cpuinfo`.
    ///   - environment: the process's environment (`NEUROMOD_BLAS_KERNEL`, `OPENBLAS_CORETYPE`).
    /// - Returns: ``Action/run`` or ``Action/reexecute(kernel:)``.
    /// - Throws: ``SelectionError`` when `NEUROMOD_BLAS_KERNEL` is not `auto`, `keep` or a verified
    ///   kernel, or names a kernel this CPU or this BLAS cannot run.
    public static func decide(library: String, config: String, core: String, cpuFlags: Set<String>,
                              environment: [String: String]) throws(SelectionError) -> Action {
        let mode = environment[modeVariable] ?? "auto"
        let named: Kernel?
        switch mode.lowercased() {
        case "auto", "keep": named = nil
        default:
            guard let kernel = kernel(named: mode) else {
                let names = verifiedKernels.map(\.name).joined(separator: ", ")
                throw SelectionError(message: "\(modeVariable)=\(mode): expected auto, keep or one of \(names)")
            }
            named = kernel
        }
        if let forced = environment["OPENBLAS_CORETYPE"], !forced.isEmpty { return .run }
        let selectable = library == "OpenBLAS" && config.split(separator: " ").contains("DYNAMIC_ARCH")
        if let named {
            guard selectable else {
                throw SelectionError(message: "\(modeVariable)=\(mode): the BLAS (\(library == "OpenBLAS" ? config : library)) "
                    + "cannot select a kernel; it takes OpenBLAS built with DYNAMIC_ARCH")
            }
            let missing = named.requiredFlags.filter { !cpuFlags.contains($0) }
            guard missing.isEmpty else {
                throw SelectionError(message: "\(modeVariable)=\(mode): this CPU lacks \(missing.joined(separator: ", ")), "
                    + "which the \(named.name) kernel uses")
            }
            return core.lowercased() == named.name.lowercased() ? .run : .reexecute(kernel: named.name)
        }
        guard mode.lowercased() == "auto", selectable, let best = bestKernel(cpuFlags: cpuFlags),
              let have = generation(ofCore: core), have < generation(ofCore: best)!
        else { return .run }
        return .reexecute(kernel: best)
    }

    /// The verified kernel called `name` (any case), or nil.
    static func kernel(named name: String) -> Kernel? {
        verifiedKernels.first { $0.name.lowercased() == name.lowercased() }
    }

    /// Decides for this process and acts: returns when it runs as loaded; re-executes
    /// `/proc/self/exe` with the same arguments, `OPENBLAS_CORETYPE` and ``detectedVariable`` set when
    /// it should (and returns, with a one-line warning on stderr, only if that fails); on a bad
    /// `NEUROMOD_BLAS_KERNEL` prints `PROGRAM: error: MESSAGE` and exits with status 2. Call it first
    /// thing in `main`, before any output. Does nothing outside Linux.
    ///
    /// - Parameter program: the program's name, for messages.
    public static func applyAtLaunch(program: String) {
        #if os(Linux)
        let environment = ProcessInfo.processInfo.environment
        let libraries = Provenance.Libraries.current
        let action: Action
        do {
            action = try decide(library: libraries.blas, config: libraries.blasConfig, core: libraries.blasCore,
                                cpuFlags: Provenance.Machine.cpuFlags(), environment: environment)
        } catch {
            FileHandle.standardError.write(Data("\(program): error: \(error.message)\n".utf8))
            exit(2)
        }
        guard case .reexecute(let kernel) = action else { return }
        var child = environment
        child["OPENBLAS_CORETYPE"] = kernel
        child[detectedVariable] = libraries.blasCore
        let entries = child.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve("/proc/self/exe", CommandLine.unsafeArgv, entries)
        let reason = String(cString: strerror(errno))
        entries.forEach { free($0) }
        FileHandle.standardError.write(Data(("\(program): warning: could not re-execute with OPENBLAS_CORETYPE=\(kernel) "
            + "(\(reason)); OpenBLAS runs its \(libraries.blasCore) kernel\n").utf8))
        #endif
    }
}
