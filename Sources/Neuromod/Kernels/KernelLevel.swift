import CNeuromodKernels

/// An instruction-set level of Neuromod's elementwise kernels (activations, `exp`, derivatives,
/// bias and noise adds, eligibility products), chosen once per process at run time.
///
/// Every level computes the same bits: the kernels are one C source compiled once per level, with
/// floating-point contraction off and every reduction in scalar order, so only the vector width
/// differs (see ``Kernels``).
///
/// | level | where | vectors |
/// |---|---|---|
/// | `portable` | every CPU | the compiler's baseline: SSE2 on x86-64, NEON on AArch64 |
/// | `avx2` | x86-64 with AVX2 and FMA | 256-bit |
/// | `avx512` | x86-64 with AVX-512 F, DQ, VL, BW and CD | 512-bit |
public enum KernelLevel: String, CaseIterable, Sendable, Comparable, CustomStringConvertible {
    /// Plain C vectorized for the compiler's baseline (SSE2 on x86-64, NEON on AArch64); every CPU.
    case portable
    /// 256-bit AVX2 with FMA available (but not used: contraction is off); x86-64 only.
    case avx2
    /// 512-bit AVX-512 (F, DQ, VL, BW, CD); x86-64 only.
    case avx512

    /// The level's name, as `NEUROMOD_KERNELS` takes it.
    public var description: String { rawValue }

    /// Orders levels from `portable` (lowest) to `avx512`.
    ///
    /// - Parameters:
    ///   - lhs: A level.
    ///   - rhs: Another level.
    /// - Returns: Whether `lhs` is a lower level than `rhs`.
    public static func < (lhs: KernelLevel, rhs: KernelLevel) -> Bool { lhs.index < rhs.index }

    var index: Int { KernelLevel.allCases.firstIndex(of: self)! }

    var cLevel: nmk_level { nmk_level(rawValue: UInt32(index)) }

    init(_ level: nmk_level) { self = KernelLevel.allCases[Int(level.rawValue)] }
}

/// Which kernel level this process runs, which this CPU offers, and whether `NEUROMOD_KERNELS` was
/// honoured.
///
/// The level is chosen once per process, on first use, and is thread-safe: the best level this CPU
/// supports (`__builtin_cpu_supports`, which also checks that the OS saves the vector registers), or
/// the level the environment variable `NEUROMOD_KERNELS` names (`portable`, `avx2` or `avx512`). A
/// value that is not a level, or names a level this CPU lacks, is not fatal to a library: the best
/// level runs and ``problem`` says why the request was not followed (the `neuromod` command line
/// refuses to start instead). Results do not depend on the level.
public enum Kernels {
    /// The environment variable that forces a level: `NEUROMOD_KERNELS`.
    public static let environmentVariable = "NEUROMOD_KERNELS"

    /// The level every kernel call of this process uses.
    public static var selected: KernelLevel { KernelLevel(nmk_selected_level()) }

    /// The levels this CPU supports, best first (always ends with `portable`).
    public static var available: [KernelLevel] { levels(in: nmk_cpu_levels()) }

    /// Whether `NEUROMOD_KERNELS` named the level that runs.
    public static var forced: Bool { nmk_selected_request() == NMK_REQUEST_FORCED }

    /// Why `NEUROMOD_KERNELS` was not followed, in one line (nil when it was, or is unset), e.g.
    /// `NEUROMOD_KERNELS=avx512: this CPU does not support avx512 (it offers avx2, portable)`; ``selected``
    /// is then the best level this CPU offers.
    public static var problem: String? {
        problem(request: nmk_selected_request(), name: String(cString: nmk_requested_name()),
                available: available)
    }

    /// The level and what this CPU offers, e.g. `avx512 (this CPU: avx512, avx2, portable)`, with
    /// `, forced by NEUROMOD_KERNELS` or `; ` + the ``problem`` + `, ignored` appended.
    public static var summary: String {
        var text = "\(selected) (this CPU: \(available.map(\.rawValue).joined(separator: ", ")))"
        if forced { text += ", forced by \(environmentVariable)" }
        if let problem { text += "; \(problem), ignored" }
        return text
    }

    /// The level a value of `NEUROMOD_KERNELS` selects on a CPU offering `available`, and why a
    /// request was not followed (nil when it was, or when `name` is nil or empty).
    ///
    /// - Parameters:
    ///   - name: The variable's value (nil: unset).
    ///   - available: The levels the CPU offers (`portable` is always added).
    /// - Returns: The level that runs and the problem, if any, in the words of ``problem``.
    public static func resolve(_ name: String?, available: [KernelLevel]) -> (level: KernelLevel, problem: String?) {
        var mask: UInt32 = 1
        for level in available { mask |= 1 << UInt32(level.index) }
        var request = NMK_REQUEST_NONE
        let level = KernelLevel(name.map { nmk_resolve($0, mask, &request) } ?? nmk_resolve(nil, mask, &request))
        return (level, problem(request: request, name: name ?? "", available: levels(in: mask)))
    }

    private static func levels(in mask: UInt32) -> [KernelLevel] {
        KernelLevel.allCases.reversed().filter { mask & (1 << UInt32($0.index)) != 0 }
    }

    private static func problem(request: nmk_request, name: String, available: [KernelLevel]) -> String? {
        let offers = available.map(\.rawValue).joined(separator: ", ")
        switch request {
        case NMK_REQUEST_UNKNOWN:
            let levels = KernelLevel.allCases.map(\.rawValue).joined(separator: ", ")
            return "\(environmentVariable)=\(name): not a kernel level (one of \(levels); this CPU offers \(offers))"
        case NMK_REQUEST_UNSUPPORTED:
            return "\(environmentVariable)=\(name): this CPU does not support \(name) (it offers \(offers))"
        default:
            return nil
        }
    }
}
