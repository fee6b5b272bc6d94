import CGSL

/// Rademacher signs drawn from raw bits: the one Rademacher draw of Neuromod (SPSA's probe and the
/// Rademacher weight probes of WP and 3F-WP all read it).
///
/// **Rule.** A GSL generator returns integers v in [min, max] (`gsl_rng_min`, `gsl_rng_max`). Let
/// r = max − min + 1 and k = ⌊log₂ r⌋ (``signBitsPerDraw``; 32 for taus2, mt19937, gfsr4 and
/// ranlxd2, 24 for ranlxs0). A raw draw is *accepted* when u = v − min < 2^k, else it is rejected and
/// the next draw is taken (rejection keeps every bit fair when r is not a power of two; when it is,
/// nothing is ever rejected). Each accepted u gives k signs, **least significant bit first**.
///
/// **Order.** The signs of one call are the concatenation of its accepted draws' bits: sign t is bit
/// t mod k of accepted draw ⌊t / k⌋. A call for `count` signs consumes exactly ⌈count / k⌉ accepted
/// draws; the unused high bits of the last one are discarded, so the next call starts on a fresh draw.
/// Bit 1 is the sign +1, bit 0 is −1. Packed, sign t is bit t mod 64 of word ⌊t / 64⌋; bits of the
/// last word beyond `count` are 0.
///
/// With 32-bit generators one 64-bit word takes two raw draws (64 signs), against one draw per sign
/// by comparing a uniform with ½.
extension RandomGenerator {
    /// k: the number of signs one accepted raw draw gives, ⌊log₂(max − min + 1)⌋ (at most 64).
    public var signBitsPerDraw: Int { SignBitReader.bitsPerDraw(minimum: UInt64(gsl_rng_min(rng)), maximum: UInt64(gsl_rng_max(rng))) }

    /// Fills the first ⌈count / 64⌉ words of `words` with `count` random signs as bits (sign t is bit
    /// t mod 64 of word ⌊t / 64⌋; 1 means +1, 0 means −1; bits beyond `count` are 0).
    ///
    /// - Parameters:
    ///   - words: where the signs go; needs at least ⌈count / 64⌉ words.
    ///   - count: the number of signs (≥ 0).
    public func fillSignBits(_ words: UnsafeMutableBufferPointer<UInt64>, count: Int) {
        precondition(count >= 0 && words.count * 64 >= count, "fillSignBits needs ⌈count/64⌉ words")
        var reader = SignBitReader(rng)
        let whole = count / 64, tail = count % 64
        for w in 0..<whole { words[w] = reader.next(64) }
        if tail > 0 { words[whole] = reader.next(tail) }
    }

    /// Fills `buffer` with independent ±`scale` (probability ½ each): element t is +scale when sign t
    /// of ``fillSignBits(_:count:)`` for `buffer.count` signs is 1, −scale otherwise (the same draws).
    ///
    /// - Parameters:
    ///   - buffer: where the values go, one sign each.
    ///   - scale: the magnitude (the step c, or σ); element values are exactly `scale` or `-scale`.
    public func fillRademacher(_ buffer: UnsafeMutableBufferPointer<Double>, scale: Double) {
        var reader = SignBitReader(rng)
        guard let out = buffer.baseAddress else { return }
        // Branch-free: −scale is scale with its sign bit flipped (exact), flipped where the bit is 0.
        let bits = scale.bitPattern
        var start = 0
        while start < buffer.count {
            let width = min(64, buffer.count - start)
            let flips = ~reader.next(width)
            for b in 0..<width { out[start + b] = Double(bitPattern: bits ^ (((flips >> UInt64(b)) & 1) << 63)) }
            start += width
        }
    }

    /// Fills `array` with independent ±`scale` draws (the same draws as the buffer form).
    ///
    /// - Parameters:
    ///   - array: where the values go, one sign each.
    ///   - scale: the magnitude; element values are exactly `scale` or `-scale`.
    public func fillRademacher(_ array: inout [Double], scale: Double) {
        array.withUnsafeMutableBufferPointer { fillRademacher($0, scale: scale) }
    }
}

/// Hands out a generator's accepted raw draws bit by bit (the rule of ``RandomGenerator``'s sign
/// draws): low bits first, draws rejected when u = v − min ≥ 2^k.
struct SignBitReader {
    /// Where raw draws come from: a GSL generator (no closure, so a reader allocates nothing) or a function.
    private enum Source {
        case gsl(UnsafeMutablePointer<gsl_rng>)
        case function(() -> UInt64)
    }
    private let source: Source
    private let minimum: UInt64
    private let bits: Int
    /// Accepted draws are u < limit (nil: every draw is accepted, r = 2^64).
    private let limit: UInt64?
    private var reservoir: UInt64 = 0
    private var available = 0

    /// k = ⌊log₂(max − min + 1)⌋, at most 64.
    static func bitsPerDraw(minimum: UInt64, maximum: UInt64) -> Int {
        precondition(maximum > minimum, "a generator's range needs two values at least")
        let span = maximum - minimum
        return span == .max ? 64 : 63 - (span + 1).leadingZeroBitCount
    }

    /// A reader of raw draws in [minimum, maximum] from `draw` (for tests and other generators).
    init(minimum: UInt64, maximum: UInt64, draw: @escaping () -> UInt64) {
        self.init(source: .function(draw), minimum: minimum, maximum: maximum)
    }

    /// A reader of `rng`'s raw draws (`gsl_rng_get`).
    init(_ rng: UnsafeMutablePointer<gsl_rng>) {
        self.init(source: .gsl(rng), minimum: UInt64(gsl_rng_min(rng)), maximum: UInt64(gsl_rng_max(rng)))
    }

    private init(source: Source, minimum: UInt64, maximum: UInt64) {
        self.source = source
        self.minimum = minimum
        bits = Self.bitsPerDraw(minimum: minimum, maximum: maximum)
        limit = bits == 64 ? nil : 1 << UInt64(bits)
    }

    /// The next raw draw v.
    @inline(__always)
    private func draw() -> UInt64 {
        switch source {
        case .gsl(let rng): return UInt64(gsl_rng_get(rng))
        case .function(let next): return next()
        }
    }

    /// The next accepted draw, u = v − min.
    private mutating func accepted() -> UInt64 {
        while true {
            let u = draw() &- minimum
            if let limit, u >= limit { continue }
            return u
        }
    }

    /// The next `count` bits (1 ≤ count ≤ 64), the first in bit 0.
    mutating func next(_ count: Int) -> UInt64 {
        if bits == 32 && available == 0 && minimum == 0 && limit == 1 << 32 {
            // The common case (taus2, mt19937, gfsr4, ranlxd2): whole draws, no reservoir.
            // Unused high bits stay in the reservoir, exactly as the general path leaves them.
            if count <= 32 {
                let u = draw()
                if count == 32 { return u }
                (reservoir, available) = (u >> UInt64(count), 32 - count)
                return u & ((1 << UInt64(count)) - 1)
            }
            let low = draw(), high = draw()
            if count == 64 { return low | high << 32 }
            (reservoir, available) = (high >> UInt64(count - 32), 64 - count)
            return (low | high << 32) & ((1 << UInt64(count)) - 1)
        }
        var out: UInt64 = 0, placed = 0
        while placed < count {
            if available == 0 { reservoir = accepted(); available = bits }
            let take = min(available, count - placed)
            let mask: UInt64 = take == 64 ? .max : (1 << UInt64(take)) - 1
            out |= (reservoir & mask) << UInt64(placed)
            reservoir = take == 64 ? 0 : reservoir >> UInt64(take)
            available -= take
            placed += take
        }
        return out
    }
}
