import Foundation

/// Which BLAS kernel this process runs, and whether it is older than the CPU: the second line of
/// `neuromod --version` and the BLAS lines of the benchmark report.
///
/// OpenBLAS built with `DYNAMIC_ARCH` picks its kernel from the CPUID at load time
/// (`openblas_get_corename()`). A release that does not know a processor falls back to its oldest
/// kernel (`Prescott`, SSE3 only) — seen with Debian's OpenBLAS 0.3.21 on an AVX-512 Xeon, where a
/// backprop update of the housing network took 1.7× as long as under `OPENBLAS_CORETYPE=Haswell`.
/// ``warning`` names that case; nothing here sets `OPENBLAS_CORETYPE` (a forced kernel is the
/// user's choice, and old OpenBLAS builds are known to compute wrong results on some processors).
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

    public init(library: String, config: String, core: String, cpuFlags: Set<String>, forcedCore: String? = nil) {
        self.library = library
        self.config = config
        self.core = core
        self.cpuFlags = cpuFlags
        self.forcedCore = forcedCore
    }

    /// The BLAS loaded into this process, on this CPU.
    public static var current: BLASKernel {
        let libraries = Provenance.Libraries.current
        return BLASKernel(library: libraries.blas, config: libraries.blasConfig, core: libraries.blasCore,
                          cpuFlags: Provenance.Machine.cpuFlags(),
                          forcedCore: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"])
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

    /// `BLAS: OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64 (core Haswell)`.
    public var line: String {
        let config = config.hasPrefix(library) || library == "unknown" ? config : "\(library) \(config)"
        let forced = forcedCore.map { ", OPENBLAS_CORETYPE=\($0)" } ?? ""
        return library == "OpenBLAS" ? "BLAS: \(config) (core \(core)\(forced))" : "BLAS: \(config)"
    }

    /// A one-line warning when OpenBLAS runs a kernel without AVX2 on a CPU with AVX2; nil otherwise.
    public var warning: String? {
        guard library == "OpenBLAS", Self.kernelsWithoutAVX2.contains(core.lowercased()), cpuFlags.contains("avx2")
        else { return nil }
        let suggested = cpuFlags.contains("avx512f") ? "SkylakeX (or Haswell)" : "Haswell"
        let sets = instructionSets.filter { $0.hasPrefix("avx") }.joined(separator: ", ")
        return "warning: OpenBLAS runs its old \(core) kernel on a CPU with \(sets): BLAS calls are slower than "
            + "they need be (a housing backprop update 1.7x on an AVX-512 Xeon). Workaround: set "
            + "OPENBLAS_CORETYPE=\(suggested) in the environment (Neuromod does not set it; check results under a "
            + "forced kernel), or use a newer OpenBLAS."
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
