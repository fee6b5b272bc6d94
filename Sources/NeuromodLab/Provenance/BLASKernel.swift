import Foundation

/// Which BLAS kernel this process runs, and whether it is older than the CPU: the second line of
/// `neuromod --version` and the BLAS lines of the benchmark report.
///
/// OpenBLAS built with `DYNAMIC_ARCH` picks its kernel from the CPUID at load time
/// (`openblas_get_corename()`). A release that does not know a processor falls back to its oldest
/// kernel (`Prescott`, SSE3 only) — seen with Debian's OpenBLAS 0.3.21 on an AVX-512 Xeon, where a
/// backprop update of the housing network took 1.7× as long as under `OPENBLAS_CORETYPE=Haswell`.
/// The `neuromod` and `neuromod-bench` programs select a newer kernel themselves at launch
/// (``BLASKernelSelection``); ``source`` says who chose the kernel that runs, and ``warning`` names
/// an old kernel that still runs (a library caller's process, `NEUROMOD_BLAS_KERNEL=keep`, or an
/// `OPENBLAS_CORETYPE` set in the environment).
///
/// Contract: ``warning`` is nil unless the library is OpenBLAS, its core is one of the kernels
/// without AVX2 listed in ``kernelsWithoutAVX2`` and the CPU's flags include `avx2`. An unknown core
/// name never warns.
public struct BLASKernel: Sendable, Equatable {
    /// `OpenBLAS`, `BLIS` or `unknown` (see ``Provenance/Libraries``).
    public var library: String
    /// `openblas_get_config()`, e.g. `OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64`.
    public var config: String
    /// `openblas_get_corename()`, e.g. `Haswell`; `unknown` for other libraries.
    public var core: String
    /// The CPU's feature flags (the `flags` line of /proc/cpuinfo; empty elsewhere).
    public var cpuFlags: Set<String>
    /// `OPENBLAS_CORETYPE` as set in the environment, if it is.
    public var forcedCore: String?
    /// The core OpenBLAS had detected when ``BLASKernelSelection`` re-executed the program with
    /// ``forcedCore`` (`NEUROMOD_BLAS_KERNEL_DETECTED`); nil when the program was not re-executed.
    public var detectedCore: String?

    /// Who chose the kernel that runs.
    public enum Source: Sendable, Equatable {
        /// OpenBLAS, from the CPUID (`OPENBLAS_CORETYPE` unset).
        case detected
        /// `OPENBLAS_CORETYPE`, set by the user or the environment.
        case environment
        /// ``BLASKernelSelection``, by re-executing the program; the associated value is the core
        /// OpenBLAS had detected.
        case neuromod(detected: String)
    }

    /// Creates a description of a BLAS (tests, and ``current``).
    ///
    /// - Parameters:
    ///   - library: `OpenBLAS`, `BLIS` or `unknown`.
    ///   - config: the library's configuration string.
    ///   - core: the kernel's name, `unknown` for other libraries.
    ///   - cpuFlags: the CPU's flags as in `/proc/cpuinfo`.
    ///   - forcedCore: `OPENBLAS_CORETYPE`, if set.
    ///   - detectedCore: `NEUROMOD_BLAS_KERNEL_DETECTED`, if set (taken into account only with `forcedCore`).
    public init(library: String, config: String, core: String, cpuFlags: Set<String>, forcedCore: String? = nil,
                detectedCore: String? = nil) {
        self.library = library
        self.config = config
        self.core = core
        self.cpuFlags = cpuFlags
        self.forcedCore = forcedCore
        self.detectedCore = detectedCore
    }

    /// The BLAS loaded into this process, on this CPU.
    public static var current: BLASKernel {
        let libraries = Provenance.Libraries.current
        let environment = ProcessInfo.processInfo.environment
        return BLASKernel(library: libraries.blas, config: libraries.blasConfig, core: libraries.blasCore,
                          cpuFlags: Provenance.Machine.cpuFlags(), forcedCore: environment["OPENBLAS_CORETYPE"],
                          detectedCore: environment[BLASKernelSelection.detectedVariable])
    }

    /// ``Source/neuromod(detected:)`` when both ``forcedCore`` and ``detectedCore`` are set,
    /// ``Source/environment`` when only ``forcedCore`` is, else ``Source/detected``.
    public var source: Source {
        guard let forced = forcedCore, !forced.isEmpty else { return .detected }
        if let detected = detectedCore, !detected.isEmpty { return .neuromod(detected: detected) }
        return .environment
    }

    /// OpenBLAS's x86-64 kernels that use neither AVX2 nor AVX-512 (lowercased core names).
    public static let kernelsWithoutAVX2: Set<String> = [
        "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn", "dunnington",
        "nehalem", "sandybridge", "athlon", "opteron", "opteron_sse3", "barcelona", "bobcat", "bulldozer",
        "piledriver", "steamroller", "excavator", "nano",
    ]

    /// The instruction sets among `sse4_2 avx avx2 fma avx512f avx512bw avx512vl avx512_bf16 avx_vnni`
    /// that the CPU has, in that order.
    public var instructionSets: [String] {
        ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_bf16", "avx_vnni"].filter(cpuFlags.contains)
    }

    /// `BLAS: OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64 (core Haswell, …)`,
    /// the parentheses ending with who chose the core: `detected by OpenBLAS`, `set by the environment:
    /// OPENBLAS_CORETYPE=Haswell` or `selected by neuromod: OpenBLAS detected Prescott`.
    public var line: String {
        let config = config.hasPrefix(library) || library == "unknown" ? config : "\(library) \(config)"
        guard library == "OpenBLAS" else { return "BLAS: \(config)" }
        let chosen: String
        switch source {
        case .detected: chosen = "detected by OpenBLAS"
        case .environment: chosen = "set by the environment: OPENBLAS_CORETYPE=\(forcedCore ?? "")"
        case .neuromod(let detected): chosen = "selected by neuromod: OpenBLAS detected \(detected)"
        }
        return "BLAS: \(config) (core \(core), \(chosen))"
    }

    /// A one-line warning when OpenBLAS runs a kernel without AVX2 on a CPU with AVX2; nil otherwise.
    public var warning: String? {
        guard library == "OpenBLAS", Self.kernelsWithoutAVX2.contains(core.lowercased()), cpuFlags.contains("avx2")
        else { return nil }
        let suggested = cpuFlags.contains("avx512f") ? "SkylakeX (or Haswell)" : "Haswell"
        let sets = instructionSets.filter { $0.hasPrefix("avx") }.joined(separator: ", ")
        return "warning: OpenBLAS runs its old \(core) kernel on a CPU with \(sets): BLAS calls are slower than "
            + "they need be (a housing backprop update 1.7x on an AVX-512 Xeon). The neuromod programs select a newer "
            + "kernel when OPENBLAS_CORETYPE is unset and NEUROMOD_BLAS_KERNEL is auto (the default); elsewhere set "
            + "OPENBLAS_CORETYPE=\(suggested) in the environment, or use a newer OpenBLAS."
    }
}

extension Provenance.Machine {
    /// The `flags` of /proc/cpuinfo's first processor (Linux); empty elsewhere or when unreadable.
    static func cpuFlags() -> Set<String> {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        #else
        return []
        #endif
    }
}
