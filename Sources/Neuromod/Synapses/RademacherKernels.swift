/// The loops over bit-packed Rademacher signs (``SynapticNoise/signs``): the perturbed forward's
/// Σ_i ±x_i, the weight-perturbation update's Σ_n ±M⁽ⁿ⁾ and the expansion of a row to ±σ.
///
/// Eight signs at a time (one byte of bits) pick a row of ``table`` (±1 in eight lanes), so a loop
/// body is a load, a multiply and an add on `SIMD8<Double>` with no branch. Multiplying by ±1 is
/// exact, so every result equals the scalar loop that adds `bit ? v : -v` in the order each function
/// states (the tests check it bit for bit against such a loop).
///
/// Generic over the precision (``NeuromodScalar``: `Double`, or `Float` for the float32 mode); the
/// functions are specialized inside the module, and the `Double` ones are the float64 engine's.
enum RademacherKernels {
    /// Row b holds +1 in lane q when bit q of b is set, −1 otherwise (16 KiB, allocated once for the
    /// life of the process and never written after; hence nonisolated).
    nonisolated(unsafe) static let table: UnsafePointer<SIMD8<Double>> = makeTable()
    /// ``table`` in `Float` (8 KiB), for the float32 mode.
    nonisolated(unsafe) static let floatTable: UnsafePointer<SIMD8<Float>> = makeTable()

    private static func makeTable<S: NeuromodScalar>() -> UnsafePointer<SIMD8<S>> {
        let rows = UnsafeMutablePointer<SIMD8<S>>.allocate(capacity: 256)
        for b in 0..<256 {
            var v = SIMD8<S>(repeating: -1)
            for q in 0..<8 where (b >> q) & 1 == 1 { v[q] = 1 }
            rows[b] = v
        }
        return UnsafePointer(rows)
    }

    /// Signs t ..< t + 8 as a byte (sign t in bit 0); the 8 bits must lie inside the buffer.
    @inline(__always)
    static func byte(_ bits: UnsafePointer<UInt64>, at t: Int) -> Int {
        let w = t >> 6, o = t & 63
        var v = bits[w] >> UInt64(o)
        if o > 56 { v |= bits[w + 1] << UInt64(64 - o) }
        return Int(truncatingIfNeeded: v & 0xFF)
    }

    /// Sign t as a Bool (true: +).
    @inline(__always)
    static func bit(_ bits: UnsafePointer<UInt64>, at t: Int) -> Bool { (bits[t >> 6] >> UInt64(t & 63)) & 1 == 1 }

    /// Σ_i s_i·x_i (·m_i), s_i = ±1 the signs `bitOffset + i` of `bits`, for i in 0..<count.
    ///
    /// Order: eight lane sums, lane q adding (x_i·s_i)·m_i for i ≡ q (mod 8) over the whole blocks of
    /// eight, i ascending; then ((l₀ + l₁) + (l₂ + l₃)) + ((l₄ + l₅) + (l₆ + l₇)); then the remaining
    /// count mod 8 terms, i ascending.
    @inline(__always)
    static func signedSum<S: NeuromodScalar>(_ bits: UnsafePointer<UInt64>, bitOffset t0: Int, _ x: UnsafePointer<S>, count: Int,
                                             mask: UnsafePointer<S>?, table: UnsafePointer<SIMD8<S>>) -> S {
        let blocks = count / 8
        var lanes = SIMD8<S>(repeating: 0)
        if let mask {
            for b in 0..<blocks {
                let xv = UnsafeRawPointer(x + 8 * b).loadUnaligned(as: SIMD8<S>.self)
                let mv = UnsafeRawPointer(mask + 8 * b).loadUnaligned(as: SIMD8<S>.self)
                lanes += xv * table[byte(bits, at: t0 + 8 * b)] * mv
            }
        } else {
            for b in 0..<blocks {
                let xv = UnsafeRawPointer(x + 8 * b).loadUnaligned(as: SIMD8<S>.self)
                lanes += xv * table[byte(bits, at: t0 + 8 * b)]
            }
        }
        var sum = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
        for i in (8 * blocks)..<count {
            let v = bit(bits, at: t0 + i) ? x[i] : -x[i]
            sum += mask.map { v * $0[i] } ?? v
        }
        return sum
    }

    /// acc[k] = Σ_n s⁽ⁿ⁾_k · m_n for k in 0..<count, s⁽ⁿ⁾ the signs of row n (row n starts at word
    /// n·rowWords), summed from 0 over n ascending (each term exactly ±m_n). `acc` is overwritten.
    ///
    /// Blocks of 1 024 entries stay in L1 while every instance's signs stream past them.
    static func modulatedSum<S: NeuromodScalar>(_ bits: UnsafePointer<UInt64>, rowWords: Int, count: Int, modulation: UnsafePointer<S>,
                                                batch: Int, into acc: UnsafeMutablePointer<S>, table: UnsafePointer<SIMD8<S>>) {
        let block = 1024
        var start = 0
        while start < count {
            let end = min(count, start + block), whole = start + (end - start) / 8 * 8
            (acc + start).update(repeating: 0, count: end - start)
            for n in 0..<batch {
                let m = modulation[n], vm = SIMD8<S>(repeating: m), row = bits + n * rowWords
                var k = start
                while k < whole {
                    let p = UnsafeMutableRawPointer(acc + k)
                    let b = Int(truncatingIfNeeded: (row[k >> 6] >> UInt64(k & 63)) & 0xFF)
                    p.storeBytes(of: p.loadUnaligned(as: SIMD8<S>.self) + vm * table[b], as: SIMD8<S>.self)
                    k += 8
                }
                for k in whole..<end { acc[k] += bit(row, at: k) ? m : -m }
            }
            start = end
        }
    }

    /// w_i += (c·x_i)·e_i with e_i = (s_i ? σ : −σ)·m_i, for i in 0..<count (signs `bitOffset + i`):
    /// 3F-WP's fused row, eight lanes at a time (each lane the scalar expression, so the result equals
    /// the loop over ``expand(_:bitOffset:count:sigma:mask:into:)``'s row bit for bit).
    @inline(__always)
    static func scaledSignedAdd<S: NeuromodScalar>(_ bits: UnsafePointer<UInt64>, bitOffset t0: Int, _ x: UnsafePointer<S>, scale c: S,
                                                   sigma: S, mask: UnsafePointer<S>?, count: Int, into w: UnsafeMutablePointer<S>,
                                                   table: UnsafePointer<SIMD8<S>>) {
        let cv = SIMD8<S>(repeating: c), sv = SIMD8<S>(repeating: sigma), blocks = count / 8
        for b in 0..<blocks {
            let xv = UnsafeRawPointer(x + 8 * b).loadUnaligned(as: SIMD8<S>.self)
            var ev = table[byte(bits, at: t0 + 8 * b)] * sv
            if let mask { ev *= UnsafeRawPointer(mask + 8 * b).loadUnaligned(as: SIMD8<S>.self) }
            let p = UnsafeMutableRawPointer(w + 8 * b)
            p.storeBytes(of: p.loadUnaligned(as: SIMD8<S>.self) + (cv * xv) * ev, as: SIMD8<S>.self)
        }
        for i in (8 * blocks)..<count {
            var e = bit(bits, at: t0 + i) ? sigma : -sigma
            if let mask { e *= mask[i] }
            w[i] += c * x[i] * e
        }
    }

    /// e_i = (s_i ? σ : −σ)·m_i for i in 0..<count (signs `bitOffset + i`): a row of draws as the
    /// materialized Gaussian path stores them.
    ///
    /// Branch-free: −σ is σ with its sign bit flipped (exact), flipped where the sign is 0
    /// (``NeuromodScalar/flippingSign(_:)``).
    static func expand<S: NeuromodScalar>(_ bits: UnsafePointer<UInt64>, bitOffset t0: Int, count: Int, sigma: S,
                                          mask: UnsafePointer<S>?, into e: UnsafeMutablePointer<S>) {
        for i in 0..<count {
            let t = t0 + i
            e[i] = sigma.flippingSign(~(bits[t >> 6] >> UInt64(t & 63)) & 1)
        }
        if let mask { for i in 0..<count { e[i] *= mask[i] } }
    }
}
