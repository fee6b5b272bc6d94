import Foundation

/// **The exact meta-gradient of a seed 002 table rule** (§2 "Learning (with) Plasticity Rules",
/// A.1 "GD to learn a rule"; the argument of Thm 2): the gradient of the cross-entropy of a batch,
/// after rule-training a freshly reset network over that batch once, with respect to the tables
/// r (2^T × 2^T) and r_o (2^T × 2) — **without unrolling** the sequential training.
///
/// The rule's updates depend on the tables only through numbers that are multiplied in: which
/// table entry an edge reads on an example (the two units' histories) and whether the example
/// updates at all (the gate, an argmax) are discrete. So the trained weights are
///
///     additive:        W_final,e = W₀,e + η Σ_t r[idx_t(e)]
///     multiplicative:  W_final,e = W₀,e · Π_t (1 + η r[idx_t(e)])
///
/// (t over the examples the gate let through; idx_t(e) = (s_i, s_j) for edge e = i → j), and
///
///     ∂L/∂r[a] = η Σ_t Σ_e G_e · 1[idx_t(e) = a]                        (additive)
///     ∂L/∂r[a] = η Σ_t Σ_e G_e · W_final,e / (1 + η r[a]) · 1[idx_t(e) = a]   (multiplicative)
///
/// with G = ∂L/∂W_final from one backward pass through the final batch pass, the cap's selections
/// held fixed (``KCapGradientDescent``'s straight-through gradient). r_o is read the same way from
/// ∂L/∂U: edge (c, i) reads r_o[s_i][role] with role 0 for the label's row and 1 for the row the
/// engine gave column 1 (the prediction, the runner-up under a margin, or every other row with
/// `all-edges`). Per example only the histories, the gate's outcome and the prediction are stored
/// (``Trace``). This is the derivative the authors' PyTorch autograd computes through the in-place
/// updates; it is exact wherever no cap or argmax choice changes (tested against central finite
/// differences, `RuleMetaGradientTests`).
///
/// | parameter | default | meaning |
/// |---|---|---|
/// | `update` | additive | `additive` or `multiplicative` (one-plus-eta); `factor` is refused |
/// | `gate` | misclassified | A.2, or `all` (§2, Fig. 6) |
/// | `outputEdges`, `margin` | label-and-prediction, 0 | as ``KCapEngine`` |
/// | `rate` | 0.01 | η |
/// | `loss` | ce-logits | ``KCapLoss`` (variant 5) |
public struct RuleMetaGradient: Sendable {
    /// How the rule runs and what the loss reads (see the type's table).
    public struct Setting: Sendable, Equatable {
        public var update: UpdateForm = .additive
        public var gate: Modulation.Gate = .misclassified
        public var outputEdges: KCapEngine.OutputEdges = .labelAndPrediction
        public var margin: Double = 0
        public var rate: Double = 0.01
        public var loss: KCapLoss = .ceLogits

        public init() {}
    }

    /// What one batch's rule training and final pass chose: the discrete quantities the gradient
    /// holds fixed. Two evaluations with equal traces lie on the same smooth piece of the loss.
    public struct Trace: Sendable, Equatable {
        /// Every unit's history per example (training order).
        public var histories: [[Int]] = []
        /// The row given column 1 of r_o per example; nil where the gate kept the example out.
        public var competitors: [Int?] = []
        /// The prediction before each example's update.
        public var predictions: [Int] = []
        /// Per round of the final batch pass, 1 where h_t > 0 (rows × nodes).
        public var finalSupport: [[UInt8]] = []
        /// argmax U h_T of the final pass.
        public var finalPredictions: [Int] = []
    }

    /// One batch: the loss, its gradients with respect to the tables given, the trace and the
    /// rule-trained network.
    public struct Evaluation: Sendable {
        public var loss: Double
        public var recurrent: [[Double]]?
        public var output: [[Double]]?
        public var trace: Trace
        public var network: KCapNetwork
    }

    /// The network every batch starts from (G and A fixed; W and U at their initial values, 0 for
    /// additive rules, 1 for multiplicative, A.1).
    public let network: KCapNetwork
    public let setting: Setting

    /// - Throws: ``NetworkError/unsupported(_:)`` for the `factor` form (its tables are factors,
    ///   not rates: the meta-gradient is not defined here).
    public init(network: KCapNetwork, setting: Setting) throws {
        guard setting.update != .factor else {
            throw NetworkError.unsupported("meta-learning: update 'factor' cannot be meta-learned; use additive or multiplicative")
        }
        self.network = network
        self.setting = setting
    }

    /// Resets the network, rule-trains it over the rows of `drives` (B × nodes, A x) in order,
    /// then returns the batch mean loss on the same rows and its gradients with respect to `r`
    /// and `ro` (nil: that projection does not learn, and no gradient is returned).
    /// - Parameters:
    ///   - r: the recurrent table (2^T × 2^T), or nil.
    ///   - ro: the output table (2^T × 2), or nil.
    ///   - drives: the rows' input drives A x (B × nodes).
    ///   - labels: the rows' labels.
    ///   - tieRNG: the cap's tie ranks during training when ties are random.
    public func evaluate(recurrent r: [[Double]]?, output ro: [[Double]]?, drives: Matrix, labels: [Int],
                         tieRNG: RandomGenerator? = nil) throws -> Evaluation {
        let s = setting
        let rule = PlasticityRule.seed002(name: "meta-learned", output: ro.map { ("ro", "post_role", $0) }, recurrent: r,
                                          learningRate: s.rate, gate: s.gate, update: s.update)
        let engine = try KCapEngine(rule: rule, network: network, outputEdges: s.outputEdges, margin: s.margin, tieRNG: tieRNG)
        var trace = Trace()
        drives.storage.withUnsafeBufferPointer { p in
            for row in 0..<drives.rows {
                engine.train(drive: UnsafeBufferPointer(rebasing: p[(row * drives.cols)..<((row + 1) * drives.cols)]), label: labels[row])
                trace.histories.append(engine.pass.histories)
                trace.competitors.append(engine.lastCompetitor)
                trace.predictions.append(engine.pass.prediction)
            }
        }
        let trained = engine.network, rounds = trained.activities(drives: drives)
        trace.finalSupport = rounds.map { $0.storage.map { $0 > 0 ? 1 : 0 } }
        let gd = KCapGradientDescent(network: trained, scope: .full, adam: AdamSettings())
        let (loss, gradU, gradW) = gd.gradients(drives: drives, labels: labels, rounds: rounds, loss: s.loss)
        trace.finalPredictions = Self.predictions(trained, h: rounds.last!)
        let gradR = r.map { recurrentGradient($0, gradW: gradW, trained: trained, trace: trace) }
        let gradRo = ro.map { outputGradient($0, gradU: gradU, trained: trained, trace: trace, labels: labels) }
        return Evaluation(loss: loss, recurrent: gradR, output: gradRo, trace: trace, network: trained)
    }

    /// ∂L/∂r from G = ∂L/∂W_final (nil at T = 1: W has no effect).
    private func recurrentGradient(_ r: [[Double]], gradW: Matrix?, trained: KCapNetwork, trace: Trace) -> [[Double]] {
        let states = r.count, n = network.configuration.nodes
        var bins = [Double](repeating: 0, count: states * states)
        if let gradW {
            var g = gradW.storage
            for e in g.indices {
                g[e] = network.edges[e] == 0 ? 0 : setting.update == .multiplicative ? g[e] * trained.recurrent.storage[e] : g[e]
            }
            for (t, s) in trace.histories.enumerated() where trace.competitors[t] != nil {
                g.withUnsafeBufferPointer { g in
                    for i in 0..<n {
                        let base = s[i] * states, row = i * n
                        for j in 0..<n { bins[base + s[j]] += g[row + j] }
                    }
                }
            }
        }
        return tableGradient(bins, table: r)
    }

    /// ∂L/∂r_o from ∂L/∂U, following the rows the engine updated on each example.
    private func outputGradient(_ ro: [[Double]], gradU: Matrix, trained: KCapNetwork, trace: Trace, labels: [Int]) -> [[Double]] {
        let n = network.configuration.nodes, classes = network.configuration.classes
        var g = gradU.storage
        if setting.update == .multiplicative { for e in g.indices { g[e] *= trained.readout.storage[e] } }
        var bins = [Double](repeating: 0, count: ro.count * 2)
        for (t, s) in trace.histories.enumerated() {
            guard let competitor = trace.competitors[t] else { continue }
            let label = labels[t]
            let others = setting.outputEdges == .labelAndPrediction ? [competitor] : (0..<classes).filter { $0 != label }
            for c in others { for i in 0..<n { bins[s[i] * 2 + 1] += g[c * n + i] } }
            for i in 0..<n { bins[s[i] * 2] += g[label * n + i] }
        }
        return tableGradient(bins, table: ro)
    }

    /// η · bins, divided by (1 + η r[a]) for the multiplicative form, shaped as `table`.
    private func tableGradient(_ bins: [Double], table: [[Double]]) -> [[Double]] {
        let cols = table.first?.count ?? 0, eta = setting.rate
        return table.indices.map { a in
            (0..<cols).map { b in
                let g = eta * bins[a * cols + b]
                return setting.update == .multiplicative ? g / (1 + eta * table[a][b]) : g
            }
        }
    }

    /// argmax U h of every row of h (lowest index on ties).
    private static func predictions(_ network: KCapNetwork, h: Matrix) -> [Int] {
        var logits = Matrix(rows: h.rows, cols: network.configuration.classes)
        Matrix.gemm(h, network.readout, transB: .transposed, into: &logits)
        return (0..<h.rows).map { r in
            let row = logits.row(r)
            return row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }!
        }
    }
}
