import Testing
@testable import Neuromod

/// The exact meta-gradient of seed 002's table rules (§2, A.1; ``RuleMetaGradient``) against
/// central finite differences, and Thm 1's sign pattern for a learned output rule.
@Suite struct RuleMetaGradientTests {
    /// A small net (n = 12, k = 6, d = 4, 3 classes) and a batch of 24 Gaussian examples with
    /// random labels.
    static func problem(rounds: Int, update: UpdateForm, seed: UInt64) throws -> (KCapNetwork, Matrix, [Int], RandomGenerator) {
        let rng = try RandomGenerator(.mt19937, seed: seed)
        let c = KCapNetwork.Configuration(inputs: 4, nodes: 12, cap: 6, rounds: rounds, classes: 3)
        let network = try KCapNetwork(c, initialWeight: update == .additive ? 0 : 1, rng: rng)
        let x = Matrix(rows: 24, cols: 4, storage: (0..<96).map { _ in rng.gaussian() })
        return (network, network.drives(x), (0..<24).map { _ in rng.uniformInt(below: 3) }, rng)
    }

    /// ‖numeric − exact‖∞ / ‖exact‖∞ over every entry of r and r_o, the numeric derivative a
    /// central difference with step 1e-5. Each ± run must make the same discrete choices (histories,
    /// gates, predictions during training, the final pass's supports and predictions) as the
    /// unperturbed run: then the loss is smooth (CE of a fixed piecewise-linear map) between them,
    /// the difference's truncation error is O(h²) ≈ 1e-10 and its rounding error ≈ 1e-16 / h ≈ 1e-11,
    /// so 1e-6 leaves room and still catches any missing or misplaced term.
    static func relativeError(_ m: RuleMetaGradient, r: [[Double]], ro: [[Double]], drives: Matrix, labels: [Int]) throws -> Double {
        let base = try m.evaluate(recurrent: r, output: ro, drives: drives, labels: labels)
        let h = 1e-5
        var worst = 0.0, largest = 0.0
        for (isOutput, table, exact) in [(false, r, base.recurrent!), (true, ro, base.output!)] {
            for a in table.indices { for b in table[a].indices {
                var plus = table, minus = table
                plus[a][b] += h
                minus[a][b] -= h
                let p = try m.evaluate(recurrent: isOutput ? r : plus, output: isOutput ? plus : ro, drives: drives, labels: labels)
                let q = try m.evaluate(recurrent: isOutput ? r : minus, output: isOutput ? minus : ro, drives: drives, labels: labels)
                #expect(p.trace == base.trace && q.trace == base.trace, "a discrete choice changed at \(isOutput ? "ro" : "r")[\(a)][\(b)]")
                worst = max(worst, abs((p.loss - q.loss) / (2 * h) - exact[a][b]))
                largest = max(largest, abs(exact[a][b]))
            } }
        }
        #expect(largest > 1e-3, "the gradient should not vanish")
        return worst / largest
    }

    @Test(arguments: [
        (UpdateForm.additive, KCapLoss.ceLogits, Modulation.Gate.misclassified, KCapEngine.OutputEdges.labelAndPrediction),
        (.additive, .ceDoubleSoftmax, .all, .allEdges),
        (.multiplicative, .ceLogits, .misclassified, .allEdges),
        (.multiplicative, .ceDoubleSoftmax, .all, .labelAndPrediction),
    ])
    func metaGradientMatchesCentralFiniteDifferences(_ update: UpdateForm, _ loss: KCapLoss, _ gate: Modulation.Gate,
                                                     _ edges: KCapEngine.OutputEdges) throws {
        let (network, drives, labels, rng) = try Self.problem(rounds: 2, update: update, seed: 7)
        var s = RuleMetaGradient.Setting()
        (s.update, s.loss, s.gate, s.outputEdges) = (update, loss, gate, edges)
        s.rate = update == .additive ? 0.3 : 0.05  // large enough that W and U move far from W₀ in 24 examples
        let m = try RuleMetaGradient(network: network, setting: s)
        let r = (0..<4).map { _ in (0..<4).map { _ in rng.gaussian() } }, ro = (0..<4).map { _ in (0..<2).map { _ in rng.gaussian() } }
        let error = try Self.relativeError(m, r: r, ro: ro, drives: drives, labels: labels)
        #expect(error < 1e-6, "relative error \(error)")
    }

    /// The NN rule's gradient is the table's through the chain rule (both bit orders).
    @Test(arguments: RuleNetwork.BitOrder.allCases)
    func ruleNetworkGradientMatchesCentralFiniteDifferences(_ bits: RuleNetwork.BitOrder) throws {
        let (network, drives, labels, rng) = try Self.problem(rounds: 2, update: .additive, seed: 11)
        var s = RuleMetaGradient.Setting()
        s.rate = 0.3
        let m = try RuleMetaGradient(network: network, setting: s)
        let net = RuleNetwork(rounds: 2, hidden: 5, activation: .tanh, bits: bits, rng: rng)
        let ro = (0..<4).map { _ in (0..<2).map { _ in rng.gaussian() } }
        let base = try m.evaluate(recurrent: net.table(), output: ro, drives: drives, labels: labels)
        let exact = net.parameterGradient(table: base.recurrent!)
        let h = 1e-5
        var worst = 0.0
        for k in net.parameters.indices {
            var plus = net, minus = net
            plus.parameters[k] += h
            minus.parameters[k] -= h
            let p = try m.evaluate(recurrent: plus.table(), output: ro, drives: drives, labels: labels)
            let q = try m.evaluate(recurrent: minus.table(), output: ro, drives: drives, labels: labels)
            #expect(p.trace == base.trace && q.trace == base.trace)
            worst = max(worst, abs((p.loss - q.loss) / (2 * h) - exact[k]))
        }
        let largest = exact.map(abs).max()!
        #expect(largest > 1e-3 && worst / largest < 1e-6, "relative error \(worst / largest)")
    }

    @Test func ruleNetworkBitOrders() throws {
        let rng = try RandomGenerator(.mt19937, seed: 1)
        let msb = RuleNetwork(rounds: 2, bits: .msbFirst, rng: rng), lsb = RuleNetwork(rounds: 2, bits: .lsbFirst, rng: rng)
        // a = s_pre · 4 + s_post with s_pre = 2 (fired in round 1 only), s_post = 1 (round 2 only).
        #expect(msb.inputs(pattern: 9) == [1, 0, 0, 1])
        #expect(lsb.inputs(pattern: 9) == [1, 0, 0, 1])
        #expect(msb.inputs(pattern: 8) == [1, 0, 0, 0])
        #expect(lsb.inputs(pattern: 8) == [0, 0, 0, 1])
        #expect(msb.table().count == 4 && msb.table().allSatisfy { $0.count == 4 })
    }

    @Test func factorRulesAreRefused() throws {
        let (network, _, _, _) = try Self.problem(rounds: 1, update: .multiplicative, seed: 1)
        var s = RuleMetaGradient.Setting()
        s.update = .factor
        #expect(throws: NetworkError.unsupported("meta-learning: update 'factor' cannot be meta-learned; use additive or multiplicative")) {
            try RuleMetaGradient(network: network, setting: s)
        }
    }

    /// Thm 1 (§3.1): GD on an additive output rule, network weights starting at zero, reaches the
    /// sign pattern [−, +; +, −] (rows: not fired, fired; columns: the label's edge, the predicted
    /// edge) — the two-node Perceptron's. Halfspace data as the text's (x ~ N(0, I₁₀), label
    /// 1[w · x > 0]), n = 40, k = 20, T = 1, 1 000 examples in batches of 100, Adam 1e-2 with L2
    /// 0.01, 20 epochs from r_o = 0 (the code's start) and 60 from a random N(0, 1) start.
    @Test(arguments: [KCapNetwork.Fired.nonzero, .topkIndex])
    func learnedOutputRuleOnHalfspaceTakesThePerceptronSignPattern(_ fired: KCapNetwork.Fired) throws {
        let rng = try RandomGenerator(.mt19937, seed: 3)
        var c = KCapNetwork.Configuration(inputs: 10, nodes: 40, cap: 20, rounds: 1, classes: 2)
        c.fired = fired
        let network = try KCapNetwork(c, initialWeight: 0, rng: rng)
        let w = (0..<10).map { _ in rng.gaussian() }
        let x = Matrix(rows: 1000, cols: 10, storage: (0..<10_000).map { _ in rng.gaussian() })
        let labels = (0..<1000).map { r in zip(w, x.row(r)).reduce(0) { $0 + $1.0 * $1.1 } > 0 ? 1 : 0 }
        let drives = network.drives(x)
        // Adam moves each entry by at most about its rate per step: a random start needs more steps.
        for (start, epochs) in [([[0.0, 0], [0, 0]], 20), ((0..<2).map { _ in [rng.gaussian(), rng.gaussian()] }, 60)] {
            var learner = RuleMetaLearner(gradient: try RuleMetaGradient(network: network, setting: .init()), recurrent: .none, output: start)
            var losses: [Double] = []
            for _ in 0..<epochs { losses.append(try learner.epoch(drives: drives, labels: labels, order: rng.permutation(1000), batch: 100)) }
            let ro = learner.output!
            #expect(ro[0][0] < 0 && ro[0][1] > 0 && ro[1][0] > 0 && ro[1][1] < 0, "learned r_o \(ro) from \(start), losses \(losses.first!) → \(losses.last!)")
            #expect(losses.last! < losses.first!)
        }
    }
}
