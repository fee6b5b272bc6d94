import Foundation

/// **A gradient-free estimate of ∇ₓ L(x, y′) on a k-cap network**: simultaneous perturbation
/// stochastic approximation (SPSA; Spall 1992), as the attack of Uesato et al. 2018 ("Adversarial
/// risk and the dangers of evaluating against weak attacks", ICML, §3) uses it. For each row x,
///
///     ĝ = (1/S) Σ_{i=1…S} [L(x + δ v_i) − L(x − δ v_i)] / (2δ) · v_i,     v_i ∈ {−1, +1}^d Rademacher
///
/// (1/v_ij = v_ij). It reads the loss only — forward passes, every selection of the cap as the
/// network makes it — so it does not see the cap straight through as
/// ``KCapNetwork/inputGradient(inputs:targets:loss:)`` does: where a selection changes within
/// δ‖v‖₂ = δ√d of x, the difference sees the jump. Where L is smooth on the segments,
/// E ĝ = ∇L + O(δ²) and, for L linear there, Var ĝ_j = (‖∇L‖² − (∂_j L)²) / S (test
/// `KCapSPSATests.estimateAgreesWithTheExactGradient`).
///
/// | parameter | meaning |
/// |---|---|
/// | `samples` S | directions per estimate (2S forward passes per row, plus one at x itself) |
/// | `delta` δ | the probe's size per pixel (its ℓ2 length is δ√d) |
///
/// The probe points x ± δ v are not clipped to [0, 1]: they only evaluate L. Each row's S
/// directions are drawn from `directions` in row order (S·d signs per row,
/// `RandomGenerator.fillRademacher`), so the estimate depends on the rows and the
/// stream, not on how the rows are blocked. The loss is ``KCapLoss/value(_:target:)`` (stable
/// where softmax underflows). Forward passes run as batches of at most ``blockRows`` rows through
/// BLAS (``KCapNetwork/activities(drives:)``).
public struct SPSAGradient: Sendable, Equatable {
    /// S, directions per estimate (≥ 1).
    public var samples: Int
    /// δ, the probe's size per pixel (> 0).
    public var delta: Double
    /// Forward passes per batch (x and its 2S probes of as many rows as fit; at least one row).
    public static let blockRows = 1024

    /// - Parameters:
    ///   - samples: S ≥ 1, Rademacher directions averaged per estimate.
    ///   - delta: δ > 0, finite: each pixel moves ±δ in a probe.
    public init(samples: Int, delta: Double) {
        precondition(samples >= 1 && delta > 0 && delta.isFinite, "samples \(samples) ≥ 1 and a finite δ \(delta) > 0")
        self.samples = samples
        self.delta = delta
    }

    /// The logits, losses and predictions at every row of `inputs` and the SPSA estimate of each
    /// row's input gradient (in ``KCapInputGradient/gradient``).
    ///
    /// - Parameters:
    ///   - network: the network whose loss is probed.
    ///   - inputs: B × inputs points x.
    ///   - targets: the class y′ of each row.
    ///   - loss: L.
    ///   - directions: the stream the Rademacher directions come from (S · inputs signs per row, in row order).
    /// - Returns: logits, ``KCapLoss/value(_:target:)`` and predictions at x; ĝ per row.
    public func estimate(_ network: KCapNetwork, inputs: Matrix, targets: [Int], loss: KCapLoss,
                         directions: RandomGenerator) -> KCapInputGradient {
        precondition(inputs.cols == network.configuration.inputs && targets.count == inputs.rows, "inputs \(inputs.rows)×\(inputs.cols), targets \(targets.count)")
        let d = inputs.cols, classes = network.configuration.classes, rows = inputs.rows
        let perRow = 2 * samples + 1, rowsPerBlock = max(1, Self.blockRows / perRow)
        var result = KCapInputGradient(logits: Matrix(rows: rows, cols: classes), losses: [Double](repeating: 0, count: rows),
                                       gradient: Matrix(rows: rows, cols: d), predictions: [Int](repeating: 0, count: rows))
        var signs = [Double](repeating: 0, count: samples * d)
        for first in stride(from: 0, to: rows, by: rowsPerBlock) {
            let count = min(rowsPerBlock, rows - first)
            var points = Matrix(rows: count * perRow, cols: d)
            var blockSigns = [Double](repeating: 0, count: count * samples * d)
            for r in 0..<count {
                directions.fillRademacher(&signs, scale: 1)
                for e in signs.indices { blockSigns[r * samples * d + e] = signs[e] }
                for c in 0..<d { points[r * perRow, c] = inputs[first + r, c] }
                for i in 0..<samples {
                    for c in 0..<d {
                        let x = inputs[first + r, c], step = delta * signs[i * d + c]
                        points[r * perRow + 1 + 2 * i, c] = x + step
                        points[r * perRow + 2 + 2 * i, c] = x - step
                    }
                }
            }
            var z = Matrix(rows: points.rows, cols: classes)
            Matrix.gemm(network.finalActivity(drives: network.drives(points)), network.readout, transB: .transposed, into: &z)
            z.storage.withUnsafeBufferPointer { zp in
                func value(_ point: Int, _ target: Int) -> Double {
                    loss.value(UnsafeBufferPointer(rebasing: zp[(point * classes)..<((point + 1) * classes)]), target: target)
                }
                for r in 0..<count {
                    let row = first + r, base = r * perRow, target = targets[row]
                    for c in 0..<classes { result.logits[row, c] = zp[base * classes + c] }
                    result.losses[row] = value(base, target)
                    result.predictions[row] = KCapNetwork.argmax(UnsafeBufferPointer(rebasing: zp[(base * classes)..<((base + 1) * classes)]))
                    for i in 0..<samples {
                        let weight = (value(base + 1 + 2 * i, target) - value(base + 2 + 2 * i, target)) / (2 * delta * Double(samples))
                        let v = r * samples * d + i * d
                        for c in 0..<d { result.gradient[row, c] += weight * blockSigns[v + c] }
                    }
                }
            }
        }
        return result
    }
}
