/// Runs a seed 002 table rule (``TableRuleParts``) on a ``KCapNetwork``, example by example
/// (A.1, "Rule-based training"): the forward pass records every unit's firing history; if the gate
/// lets the example through, every edge i → j of G changes by r[s_i][s_j] and the readout by r_o.
///
///     W[i → j] ← update(W[i → j], η · r[s_i][s_j])                    for every edge of G
///     U[pred, i] ← update(U[pred, i], η · r_o[s_i][1]);  U[label, i] ← update(U[label, i], η · r_o[s_i][0])
///                                                                     for every hidden i, fired or not (A.4)
///
/// `outputEdges` ``OutputEdges/allEdges`` gives every row other than the label's column 1 instead
/// (A.4 "Updates to all edges"). With gate `all`, a correctly classified example gives the label's
/// row both columns (prediction first). Local: each synapse reads its two units' histories (the
/// readout: its unit's history and its node's role). Broadcast: the gate, one bit per example.
public final class KCapEngine {
    /// Which readout rows the output rule reaches.
    public enum OutputEdges: String, Sendable, Equatable, CaseIterable {
        /// The true label's row (column 0) and the predicted row (column 1), as the code.
        case labelAndPrediction = "label-and-prediction"
        /// The label's row column 0, every other row column 1 (A.4).
        case allEdges = "all-edges"
    }

    public private(set) var network: KCapNetwork
    public let parts: TableRuleParts
    public let outputEdges: OutputEdges
    /// γ of the margin gate (0: misclassified examples only).
    public let margin: Double
    /// The last example's pass.
    public private(set) var pass = KCapPass()
    /// The row that took column 1 of r_o on the last example (the prediction, or the runner-up
    /// under the margin gate); nil when the gate kept the example out. With the pass's histories
    /// this is all ``RuleMetaGradient`` needs to differentiate the rule-trained weights.
    public private(set) var lastCompetitor: Int?
    private let tieRNG: RandomGenerator?

    /// - Parameters:
    ///   - network: the network the rule trains.
    ///   - rule: a seed 002 table rule (see ``TableRuleParts``).
    ///   - outputEdges: which output rows take column 1 of r_o (A.4).
    ///   - margin: the margin γ of the `margin` gate (Thm 4).
    ///   - tieRNG: draws the cap's tie ranks when the network's ties are ``CapTies/random``.
    /// - Throws: ``NetworkError/unsupported(_:)`` for a rule part the engine cannot run.
    public init(rule: PlasticityRule, network: KCapNetwork, outputEdges: OutputEdges = .labelAndPrediction,
                margin: Double = 0, tieRNG: RandomGenerator? = nil) throws {
        parts = try TableRuleParts.resolve(rule, rounds: network.configuration.rounds, outputColumn: .postRole)
        guard margin >= 0, margin.isFinite else { throw NetworkError.unsupported("rule '\(rule.name)': the margin γ must be a finite number ≥ 0, got \(margin)") }
        guard margin == 0 || parts.gate == .misclassified else {
            throw NetworkError.unsupported("rule '\(rule.name)': a margin widens gate 'misclassified'; gate 'all' updates on every example already")
        }
        self.margin = margin
        if network.configuration.ties == .random, tieRNG == nil {
            throw NetworkError.unsupported("rule '\(rule.name)': random cap ties need a tie stream")
        }
        self.network = network
        self.outputEdges = outputEdges
        self.tieRNG = tieRNG
    }

    /// One example: forward, gate, update. Returns whether the prediction (before the update) was
    /// the label.
    @discardableResult
    public func train(drive: UnsafeBufferPointer<Double>, label: Int) -> Bool {
        network.forward(drive: drive, into: &pass, tieRNG: tieRNG)
        let correct = pass.prediction == label
        lastCompetitor = nil
        var competitor = pass.prediction
        if parts.gate == .misclassified && correct {
            guard margin > 0, pass.logits.count > 1 else { return correct }
            let logits = pass.logits
            competitor = logits.indices.filter { $0 != label }.max { logits[$0] < logits[$1] || (logits[$0] == logits[$1] && $0 > $1) }!
            guard logits[label] - logits[competitor] < margin else { return correct }
        }
        if network.configuration.rounds > 1, let r = parts.recurrent, !parts.isIdentity(r) { updateRecurrent(r) }
        if let ro = parts.output { updateReadout(ro, label: label, competitor: competitor) }
        lastCompetitor = competitor
        return correct
    }

    /// Every edge i → j of G: W ← update(W, η r[s_i][s_j]); rows of r are read once per unit i.
    private func updateRecurrent(_ r: [[Double]]) {
        let n = network.configuration.nodes, rate = parts.rate, form = parts.update
        let s = pass.histories
        network.edges.withUnsafeBufferPointer { edges in
            network.recurrent.storage.withUnsafeMutableBufferPointer { w in
                for i in 0..<n {
                    let row = r[s[i]], base = i * n
                    for j in 0..<n where edges[base + j] != 0 {
                        w[base + j] = form.apply(w[base + j], rate: rate, term: row[s[j]])
                    }
                }
            }
        }
    }

    /// The readout rows A.4 names, for every hidden unit, fired or not (`prediction`: the predicted
    /// node, or the runner-up under the margin gate).
    private func updateReadout(_ ro: [[Double]], label: Int, competitor prediction: Int) {
        let n = network.configuration.nodes, classes = network.configuration.classes
        let rate = parts.rate, form = parts.update, s = pass.histories
        network.readout.storage.withUnsafeMutableBufferPointer { u in
            func apply(row c: Int, column: Int) {
                for i in 0..<n { u[c * n + i] = form.apply(u[c * n + i], rate: rate, term: ro[s[i]][column]) }
            }
            switch outputEdges {
            case .labelAndPrediction:
                apply(row: prediction, column: 1)
            case .allEdges:
                for c in 0..<classes where c != label { apply(row: c, column: 1) }
            }
            apply(row: label, column: 0)
        }
    }
}
