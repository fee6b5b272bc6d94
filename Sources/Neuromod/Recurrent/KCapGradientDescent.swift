import Foundation

/// **The gradient-descent baselines** of seed 002 (Fig. 2; the code's `full_gd`): a ``KCapNetwork``
/// trained by Adam on the minibatch mean cross-entropy of softmax(U h_T).
///
/// | scope | what learns | gradient |
/// |---|---|---|
/// | `gd-output` | U alone (Fig. 2) | exact: ∂L/∂U = (softmax − onehot)ᵀ h_T / B |
/// | `gd-full` | U and W (on G's edges; A stays fixed) | **straight-through the cap**: the cap's selection is held fixed, so the gradient flows through the selected units with positive drive only (ReLU′ · 1[selected]); unselected units pass none |
///
///     δ_T = ((softmax − onehot) U) ⊙ 1[h_T > 0] / B
///     ∂L/∂W += h_{t−1}ᵀ δ_t  (`code`: (h_{t−1} + A x)ᵀ δ_t),   δ_{t−1} = (δ_t Wᵀ) ⊙ 1[h_{t−1} > 0]
///
/// Adam (Kingma & Ba 2015) with bias correction; weights start as the network has them (0 for
/// the baselines). Parameters: ``AdamSettings`` (rate 1e-2 in Fig. 2).
public struct KCapGradientDescent: Sendable {
    public enum Scope: String, Sendable, Equatable, CaseIterable {
        case output = "gd-output"
        case full = "gd-full"
    }

    public private(set) var network: KCapNetwork
    public let scope: Scope
    public let adam: AdamSettings
    private var readoutMoments: AdamMoments
    private var recurrentMoments: AdamMoments

    public init(network: KCapNetwork, scope: Scope, adam: AdamSettings) {
        self.network = network
        self.scope = scope
        self.adam = adam
        readoutMoments = AdamMoments(count: network.readout.storage.count)
        recurrentMoments = AdamMoments(count: scope == .full ? network.recurrent.storage.count : 0)
    }

    /// One Adam step on the rows of `drives` (B × nodes, A x) with their labels; returns the mean
    /// cross-entropy before the step. With `gd-output`, `features` may give h_T directly (cached).
    @discardableResult
    public mutating func step(drives: Matrix, labels: [Int], features: Matrix? = nil) -> Double {
        let (loss, gradU, gradW) = gradients(drives: drives, labels: labels, features: features)
        if let gradW { recurrentMoments.step(&network.recurrent.storage, gradient: gradW.storage, settings: adam, mask: network.edges) }
        readoutMoments.step(&network.readout.storage, gradient: gradU.storage, settings: adam, mask: nil)
        return loss
    }

    /// The mean cross-entropy and its gradients with respect to U and (`gd-full`, T > 1) W, on
    /// G's edges and off them (the step masks them).
    /// `rounds` may give h_1 … h_T (the meta-gradient's final pass, already computed); `loss` is
    /// the cross-entropy's reading (``KCapLoss``, `ce-logits` for the baselines).
    func gradients(drives: Matrix, labels: [Int], features: Matrix? = nil, rounds given: [Matrix]? = nil,
                   loss kind: KCapLoss = .ceLogits) -> (loss: Double, readout: Matrix, recurrent: Matrix?) {
        let rounds = given ?? features.map { [$0] } ?? (scope == .output ? [network.finalActivity(drives: drives)] : network.activities(drives: drives))
        let h = rounds.last!, batch = h.rows, classes = network.configuration.classes
        var g = Matrix(rows: batch, cols: classes)
        Matrix.gemm(h, network.readout, transB: .transposed, into: &g)
        var loss = 0.0, gradient = [Double](repeating: 0, count: classes)
        for r in 0..<batch {
            loss += kind.evaluate((0..<classes).map { g[r, $0] }, label: labels[r], gradient: &gradient)
            for c in 0..<classes { g[r, c] = gradient[c] / Double(batch) }
        }
        var gradU = Matrix(rows: classes, cols: network.configuration.nodes)
        Matrix.gemm(g, h, transA: .transposed, into: &gradU)
        let gradW = scope == .full && network.configuration.rounds > 1 ? recurrentGradient(g, rounds: rounds, drives: drives) : nil
        return (loss / Double(batch), gradU, gradW)
    }

    /// ∂L/∂W through the rounds, straight-through the cap (see the type's formula).
    private func recurrentGradient(_ g: Matrix, rounds: [Matrix], drives: Matrix) -> Matrix {
        let n = network.configuration.nodes
        var delta = Matrix(rows: g.rows, cols: n), gradW = Matrix(rows: n, cols: n)
        Matrix.gemm(g, network.readout, into: &delta)
        for t in stride(from: rounds.count, through: 2, by: -1) {
            delta.storage.withUnsafeMutableBufferPointer { d in
                rounds[t - 1].storage.withUnsafeBufferPointer { h in for e in d.indices where !(h[e] > 0) { d[e] = 0 } }
            }
            var source = rounds[t - 2]
            if network.configuration.recurrence == .code { source.add(drives) }
            Matrix.gemm(source, delta, transA: .transposed, beta: 1, into: &gradW)
            var previous = Matrix(rows: g.rows, cols: n)
            Matrix.gemm(delta, network.recurrent, transB: .transposed, into: &previous)
            delta = previous
        }
        return gradW
    }
}

/// Adam's two moments over a flat parameter array.
struct AdamMoments: Sendable {
    var m: [Double], v: [Double], steps = 0

    init(count: Int) {
        m = [Double](repeating: 0, count: count)
        v = m
    }

    /// θ ← θ − α m̂ / (√v̂ + ε), skipping entries where `mask` is 0.
    mutating func step(_ theta: inout [Double], gradient: [Double], settings a: AdamSettings, mask: [UInt8]?) {
        steps += 1
        let c1 = 1 - Foundation.pow(a.beta1, Double(steps)), c2 = 1 - Foundation.pow(a.beta2, Double(steps))
        for e in theta.indices where mask?[e] ?? 1 != 0 {
            m[e] = a.beta1 * m[e] + (1 - a.beta1) * gradient[e]
            v[e] = a.beta2 * v[e] + (1 - a.beta2) * gradient[e] * gradient[e]
            theta[e] -= a.rate * (m[e] / c1) / ((v[e] / c2).squareRoot() + a.epsilon)
        }
    }
}
