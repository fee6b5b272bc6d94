import CGSL
import CNeuromodKernels

/// Errors raised by GSL calls, turned into Swift errors instead of GSL's default `abort()`.
public enum GSLError: Error, Equatable, CustomStringConvertible {
    case allocationFailed(String)
    case stateMismatch(expected: String, got: String)
    case stateSize(expected: Int, got: Int)

    public var description: String {
        switch self {
        case .allocationFailed(let what): return "GSL could not allocate \(what)"
        case .stateMismatch(let expected, let got):
            return "random state was saved from generator '\(got)', cannot restore into '\(expected)'"
        case .stateSize(let expected, let got):
            return "random state has \(got) bytes, generator expects \(expected)"
        }
    }
}

/// One seeded stream of random numbers over a GSL generator.
///
/// A stream is identified by `(algorithm, seed, stream)`: the GSL seed is derived from `seed` and
/// `stream` with SplitMix64, so instance `n` of a batch always sees the same numbers, whichever thread
/// draws them. Streams with different indices are seeded differently; GSL generators seeded with
/// different values are treated as independent (the usual practice; not a proof of independence).
/// A generator is not `Sendable`: give each instance or thread its own.
///
/// Gaussian draws use GSL's ziggurat method (`gsl_ran_gaussian_ziggurat`), the fastest exact method
/// GSL offers. Buffers are filled with the ziggurat's fast path inline (`fillGaussian(_:sigma:)`):
/// the same numbers as one GSL call per draw, about 1.5 times as fast (docs/kernels.md, "Gaussian draws").
public final class RandomGenerator {
    public let algorithm: RandomAlgorithm
    public let seed: UInt64
    public let stream: UInt64
    let rng: UnsafeMutablePointer<gsl_rng>
    /// Whether `fillGaussian(_:sigma:)` runs the ziggurat's fast path inline for this generator
    /// (taus2, mt19937, gfsr4) rather than calling GSL once per draw; the numbers are the same.
    let zigguratInline: Bool

    /// Creates stream `stream` of the generator seeded by `seed`.
    public init(_ algorithm: RandomAlgorithm = .mt19937, seed: UInt64, stream: UInt64 = 0) throws {
        GSLRuntime.configure()
        guard let rng = gsl_rng_alloc(algorithm.gslType) else {
            throw GSLError.allocationFailed("a \(algorithm.rawValue) generator")
        }
        self.algorithm = algorithm
        self.seed = seed
        self.stream = stream
        self.rng = rng
        zigguratInline = nmk_gaussian_ziggurat_inline(rng.pointee.type) != 0
        gsl_rng_set(rng, UInt(Self.derivedSeed(seed: seed, stream: stream)))
    }

    deinit { gsl_rng_free(rng) }

    /// The GSL seed of stream `stream`: SplitMix64 of the pair, folded to 32 bits because several GSL
    /// generators (mt19937, taus2) use only the low 32 bits of their seed. Never 0 (GSL remaps 0).
    public static func derivedSeed(seed: UInt64, stream: UInt64) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* (stream &+ 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let folded = (z ^ (z >> 32)) & 0xFFFF_FFFF
        return folded == 0 ? 1 : folded
    }

    /// A uniform draw in [0, 1).
    public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// A uniform integer in 0..<n (n > 0).
    public func uniformInt(below n: Int) -> Int {
        precondition(n > 0 && n <= Int(UInt32.max), "uniformInt(below:) needs 0 < n ≤ 2^32 - 1")
        return Int(gsl_rng_uniform_int(rng, UInt(n)))
    }

    /// A draw from N(0, σ²) by the ziggurat method.
    public func gaussian(sigma: Double = 1) -> Double { gsl_ran_gaussian_ziggurat(rng, sigma) }

    /// Fills `buffer` with independent N(0, σ²) draws (ziggurat): exactly the values of
    /// `buffer.count` calls of ``gaussian(sigma:)``, and the same generator state after.
    ///
    /// For taus2, mt19937 and gfsr4 the ziggurat's fast path runs inline on the generator's draws and
    /// rejected draws go to GSL's own function; ranlxd2 and ranlxs0 call GSL
    /// once per draw.
    public func fillGaussian(_ buffer: UnsafeMutableBufferPointer<Double>, sigma: Double = 1) {
        guard let base = buffer.baseAddress else { return }
        if zigguratInline { nmk_gaussian_ziggurat_fill_inline(rng, sigma, base, nil, buffer.count) }
        else { nmk_gaussian_ziggurat_fill(rng, sigma, base, nil, buffer.count) }
    }

    /// Fills `buffer` with the draws of `fillGaussian(_:sigma:)` rounded to the nearest `Float`
    /// (ties to even): the float32 mode's noise, without a float64 buffer in between.
    ///
    /// - Parameters:
    ///   - buffer: where the draws go.
    ///   - sigma: the standard deviation σ; each draw is computed in `Double`, then rounded.
    public func fillGaussian(_ buffer: UnsafeMutableBufferPointer<Float>, sigma: Double = 1) {
        guard let base = buffer.baseAddress else { return }
        if zigguratInline { nmk_gaussian_ziggurat_fill_inline(rng, sigma, nil, base, buffer.count) }
        else { nmk_gaussian_ziggurat_fill(rng, sigma, nil, base, buffer.count) }
    }


    /// Fills `buffer` with independent N(0, σ²) draws (ziggurat).
    public func fillGaussian(_ array: inout [Double], sigma: Double = 1) {
        array.withUnsafeMutableBufferPointer { fillGaussian($0, sigma: sigma) }
    }

    /// GSL's exact Gaussian methods, for measuring them against each other (every path of Neuromod
    /// draws with ``ziggurat``; changing it would change every number).
    public enum GaussianMethod: String, Sendable, CaseIterable {
        /// Marsaglia–Tsang ziggurat, `gsl_ran_gaussian_ziggurat`'s numbers with its fast path inline:
        /// Neuromod's method.
        case ziggurat
        /// The same ziggurat, one `gsl_ran_gaussian_ziggurat` call per draw: the same numbers as
        /// ``ziggurat``, at GSL's own speed (the benchmark's floor).
        case zigguratPerCall = "ziggurat-per-call"
        /// Box–Muller in Marsaglia's polar form, `gsl_ran_gaussian`.
        case polar
        /// Kinderman–Monahan–Leva ratio of uniforms, `gsl_ran_gaussian_ratio_method`.
        case ratio
    }

    /// Fills `buffer` with independent N(0, σ²) draws by `method`.
    ///
    /// - Parameters:
    ///   - buffer: where the draws go.
    ///   - sigma: the standard deviation σ.
    ///   - method: the GSL method; ``GaussianMethod/ziggurat`` gives the draws of `fillGaussian(_:sigma:)`.
    public func fillGaussian(_ buffer: UnsafeMutableBufferPointer<Double>, sigma: Double, method: GaussianMethod) {
        switch method {
        case .ziggurat: fillGaussian(buffer, sigma: sigma)
        case .zigguratPerCall: for i in buffer.indices { buffer[i] = gsl_ran_gaussian_ziggurat(rng, sigma) }
        case .polar: for i in buffer.indices { buffer[i] = gsl_ran_gaussian(rng, sigma) }
        case .ratio: for i in buffer.indices { buffer[i] = gsl_ran_gaussian_ratio_method(rng, sigma) }
        }
    }

    /// Fills `buffer` with uniform draws in [low, high).
    public func fillUniform(_ array: inout [Double], low: Double, high: Double) {
        let width = high - low
        for i in array.indices { array[i] = low + width * gsl_rng_uniform(rng) }
    }

    /// A Fisher–Yates permutation of 0..<n.
    public func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                p.swapAt(i, uniformInt(below: i + 1))
            }
        }
        return p
    }
}

extension RandomGenerator {
    /// The generator's complete state, for checkpoints. Restoring it replays the same draws.
    public struct State: Equatable, Sendable, Codable {
        public let algorithm: RandomAlgorithm
        public let bytes: [UInt8]
    }

    /// Saves the generator's state (a copy of GSL's state block).
    public func saveState() -> State {
        let size = gsl_rng_size(rng)
        let raw = gsl_rng_state(rng)!
        let bytes = Array(UnsafeRawBufferPointer(start: raw, count: size))
        return State(algorithm: algorithm, bytes: bytes)
    }

    /// Restores a state saved by ``saveState()`` from a generator of the same algorithm.
    public func restoreState(_ state: State) throws {
        guard state.algorithm == algorithm else {
            throw GSLError.stateMismatch(expected: algorithm.rawValue, got: state.algorithm.rawValue)
        }
        let size = gsl_rng_size(rng)
        guard state.bytes.count == size else { throw GSLError.stateSize(expected: size, got: state.bytes.count) }
        let raw = gsl_rng_state(rng)!
        state.bytes.withUnsafeBytes { raw.copyMemory(from: $0.baseAddress!, byteCount: size) }
    }
}

/// Process-wide GSL set-up: error codes instead of aborts.
enum GSLRuntime {
    private static let once: Void = { neuromod_gsl_errors_as_codes() }()
    static func configure() { _ = once }
}
