/// One example's pass through a ``KCapNetwork``: the final activity, every unit's firing history
/// and the readout's output. Reused across examples (its buffers keep their capacity).
public struct KCapPass: Sendable {
    /// h_T (nodes).
    public internal(set) var activity: [Double] = []
    /// s_i, round 1 the most significant bit.
    public internal(set) var histories: [Int] = []
    /// U h_T (classes).
    public internal(set) var logits: [Double] = []
    /// argmax of ``logits`` (lowest index on ties).
    public internal(set) var prediction = 0
    /// The units the last round's cap selected, in increasing order.
    public internal(set) var selected: [Int] = []
    var drive: [Double] = []
    var order: [Int] = []
    var previous: [Double] = []

    public init() {}
}

extension KCapNetwork {
    /// Runs the T rounds on one example whose drive A x is `drive` (length nodes), then the readout.
    /// `tieRNG` draws the tie ranks of ``CapTies/random`` (one permutation per round); unused otherwise.
    public func forward(drive input: UnsafeBufferPointer<Double>, into pass: inout KCapPass, tieRNG: RandomGenerator? = nil) {
        let c = configuration, n = c.nodes
        precondition(input.count == n, "drive has \(input.count) entries, expected \(n)")
        if pass.activity.count != n {
            pass.activity = [Double](repeating: 0, count: n)
            pass.previous = pass.activity
            pass.drive = pass.activity
            pass.histories = [Int](repeating: 0, count: n)
        }
        for i in 0..<n { pass.activity[i] = 0; pass.histories[i] = 0 }
        for t in 1...c.rounds {
            swap(&pass.previous, &pass.activity)
            preActivation(round: t, input: input, previous: pass.previous, selected: pass.selected, into: &pass.drive)
            for j in 0..<n where !(pass.drive[j] > 0) { pass.drive[j] = 0 }  // ReLU
            let keys = c.ties == .random ? tieRNG.map { $0.permutation(n) } : nil
            pass.drive.withUnsafeBufferPointer { CapSelection.select($0, k: c.cap, tieKeys: keys, order: &pass.order, into: &pass.selected) }
            for i in 0..<n { pass.activity[i] = 0; pass.histories[i] <<= 1 }
            for i in pass.selected {
                pass.activity[i] = pass.drive[i]
                if c.fired == .topkIndex || pass.drive[i] != 0 { pass.histories[i] |= 1 }
            }
        }
        readout(pass.activity, into: &pass.logits)
        pass.prediction = pass.logits.withUnsafeBufferPointer(Self.argmax)
    }

    /// The drive of round t before ReLU: A x + W h (`paper`; only the selected units' rows of W are
    /// read), or A x + b, then W (h + A x) + b (`code`, a dense product).
    private func preActivation(round t: Int, input: UnsafeBufferPointer<Double>, previous: [Double], selected: [Int],
                               into z: inout [Double]) {
        let c = configuration, n = c.nodes
        let bias = c.recurrence == .code ? c.bias : 0
        recurrent.storage.withUnsafeBufferPointer { w in
            z.withUnsafeMutableBufferPointer { z in
                switch c.recurrence {
                case .paper:
                    for j in 0..<n { z[j] = input[j] }
                    guard t > 1 else { return }
                    for i in selected where previous[i] != 0 {
                        let h = previous[i], row = i * n
                        for j in 0..<n { z[j] += h * w[row + j] }
                    }
                case .code:
                    if t == 1 {
                        for j in 0..<n { z[j] = input[j] + bias }
                        return
                    }
                    for j in 0..<n { z[j] = bias }
                    for i in 0..<n {
                        let v = previous[i] + input[i], row = i * n
                        if v != 0 { for j in 0..<n { z[j] += v * w[row + j] } }
                    }
                }
            }
        }
    }

    /// logits = U h (classes).
    func readout(_ h: [Double], into logits: inout [Double]) {
        let classes = configuration.classes, n = configuration.nodes
        if logits.count != classes { logits = [Double](repeating: 0, count: classes) }
        readout.storage.withUnsafeBufferPointer { u in
            for c in 0..<classes {
                var sum = 0.0
                for i in 0..<n where h[i] != 0 { sum += u[c * n + i] * h[i] }
                logits[c] = sum
            }
        }
    }

    /// h_T of every row of `drives` (B × nodes) (see ``activities(drives:)``).
    public func finalActivity(drives: Matrix) -> Matrix { activities(drives: drives).last! }

    /// h_1 … h_T of every row of `drives` (B × nodes): each round one GEMM over the batch (W h, or
    /// W (h + A x) for `code`), then the cap row by row (lowest-index ties; random ties are a
    /// training-time variant).
    public func activities(drives: Matrix) -> [Matrix] {
        let c = configuration, n = c.nodes, rows = drives.rows
        var h = Matrix(rows: rows, cols: n), all: [Matrix] = [], order: [Int] = [], selected: [Int] = []
        // `paper` with W = 0: every round repeats the first (W h adds nothing).
        let repeats = c.recurrence == .paper && recurrent.storage.allSatisfy { $0 == 0 }
        for t in 1...c.rounds {
            if repeats && t > 1 {
                all.append(h)
                continue
            }
            var z = drives
            if c.recurrence == .code {
                if t > 1 {
                    var v = h
                    v.add(drives)
                    Matrix.gemm(v, recurrent, into: &z)
                }
                z.storage.withUnsafeMutableBufferPointer { p in for e in p.indices { p[e] += c.bias } }
            } else if t > 1 {
                Matrix.gemm(h, recurrent, beta: 1, into: &z)
            }
            z.storage.withUnsafeMutableBufferPointer { zp in
                h.storage.withUnsafeMutableBufferPointer { hp in
                    for r in 0..<rows {
                        let zr = UnsafeMutableBufferPointer(rebasing: zp[(r * n)..<((r + 1) * n)])
                        for j in 0..<n where !(zr[j] > 0) { zr[j] = 0 }
                        CapSelection.select(UnsafeBufferPointer(zr), k: c.cap, order: &order, into: &selected)
                        for j in 0..<n { hp[r * n + j] = 0 }
                        for i in selected { hp[r * n + i] = zr[i] }
                    }
                }
            }
            all.append(h)
        }
        return all
    }

    /// The predicted class of every row of `drives` (B × nodes): ``finalActivity(drives:)``, then
    /// one GEMM for U h.
    public func predict(drives: Matrix) -> [Int] {
        let h = finalActivity(drives: drives)
        var logits = Matrix(rows: drives.rows, cols: configuration.classes)
        Matrix.gemm(h, readout, transB: .transposed, into: &logits)
        return logits.storage.withUnsafeBufferPointer { p in
            (0..<drives.rows).map { r in
                Self.argmax(UnsafeBufferPointer(rebasing: p[(r * configuration.classes)..<((r + 1) * configuration.classes)]))
            }
        }
    }
}
