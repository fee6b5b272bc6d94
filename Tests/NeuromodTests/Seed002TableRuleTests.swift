import Testing
@testable import Neuromod

/// Seed 002's Table 1 and the two-node Perceptron as three-factor table rules, each against the
/// algorithm written by hand: weights equal exactly, step for step.
@Suite struct Seed002TableRuleTests {
    /// ±1 inputs labelled by a fixed teacher; the Perceptron rule and w += η y x on mistakes.
    @Test func perceptronAsARuleIsThePerceptron() throws {
        let d = 12, eta = 0.01, rng = try RandomGenerator(.mt19937, seed: 7)
        let teacher = (0..<d).map { _ in rng.gaussian() }
        var neuron = try TableRuleNeuron(rule: .perceptronTable(learningRate: eta), inputs: d)
        var w = [Double](repeating: 0, count: d), mistakes = 0
        for _ in 0..<2000 {
            let x = (0..<d).map { _ in rng.uniform() < 0.5 ? -1.0 : 1.0 }
            let y = zip(teacher, x).reduce(0) { $0 + $1.0 * $1.1 } > 0 ? 1 : -1
            var sum = 0.0
            for i in 0..<d { sum += w[i] * x[i] }
            if (sum > 0 ? 1 : -1) != y {
                mistakes += 1
                for i in 0..<d { w[i] += eta * Double(y) * x[i] }
            }
            neuron.step(x, label: y)
            #expect(neuron.weights == w)
        }
        #expect(mistakes > 10)
    }

    /// {0,1} inputs, threshold d/2, a disjunction teacher; MW doubles or halves the "on" weights on
    /// mistakes (factor form, Table 1's [[1, 1], [2, ½]]).
    @Test func multiplicativeWeightsAsARuleIsMW() throws {
        let d = 16, rng = try RandomGenerator(.mt19937, seed: 11)
        var neuron = try TableRuleNeuron(rule: .multiplicativeWeightsTable(), inputs: d, threshold: Double(d) / 2)
        var w = [Double](repeating: 1, count: d), mistakes = 0
        for _ in 0..<2000 {
            let x = (0..<d).map { _ in rng.uniform() < 0.2 ? 1.0 : 0.0 }
            let y = x[1] + x[4] + x[9] > 0 ? 1 : -1
            var sum = 0.0
            for i in 0..<d { sum += w[i] * x[i] }
            if (sum > Double(d) / 2 ? 1 : -1) != y {
                mistakes += 1
                for i in 0..<d where x[i] == 1 { w[i] *= y == 1 ? 2 : 0.5 }
            }
            neuron.step(x, label: y)
            #expect(neuron.weights == w)
        }
        #expect(mistakes > 3)
    }

    /// The two-node Perceptron on a drawn k-cap network (T = 1) against the multiclass update by
    /// hand: on a mistake U[label, i] ± η and U[pred, i] ∓ η, by whether unit i fired.
    @Test func twoNodePerceptronOnAKCapNetworkIsTheHandWrittenUpdate() throws {
        let c = KCapNetwork.Configuration(inputs: 5, nodes: 30, cap: 12, rounds: 1, classes: 3)
        let network = try KCapNetwork(c, initialWeight: 0, rng: try RandomGenerator(.mt19937, seed: 2))
        let engine = try KCapEngine(rule: .twoNodePerceptron(rounds: 1), network: network)
        let rng = try RandomGenerator(.mt19937, seed: 5), eta = 0.01
        var u = network.readout
        for _ in 0..<300 {
            let x = Matrix(rows: 1, cols: 5, storage: (0..<5).map { _ in rng.gaussian() })
            let label = x.storage[0] > 0 ? 0 : (x.storage[1] > 0 ? 1 : 2)
            let drive = network.drives(x)
            var pass = KCapPass()
            let checked = try KCapNetwork(c, inputWeights: network.inputWeights, recurrent: network.recurrent, readout: u, edges: network.edges)
            drive.storage.withUnsafeBufferPointer { checked.forward(drive: $0, into: &pass) }
            if pass.prediction != label {
                for i in 0..<30 {
                    let fired = pass.activity[i] != 0
                    u[pass.prediction, i] += eta * (fired ? -1 : 1)
                    u[label, i] += eta * (fired ? 1 : -1)
                }
            }
            drive.storage.withUnsafeBufferPointer { _ = engine.train(drive: $0, label: label) }
            #expect(engine.network.readout == u)
        }
    }

    @Test func perceptronReadingsAsTables() {
        let last = PlasticityRule.twoNodePerceptron(rounds: 2).tables["ro"]!.entries
        #expect(last == [[-1, 1], [1, -1], [-1, 1], [1, -1]])
        let any = PlasticityRule.twoNodePerceptron(rounds: 2, reading: .anyRound).tables["ro"]!.entries
        #expect(any == [[-1, 1], [1, -1], [1, -1], [1, -1]])
        #expect(PlasticityRule.perceptronTable().tables["r"]!.entries == [[-1, 1], [1, -1]])
        #expect(PlasticityRule.multiplicativeWeightsTable().tables["r"]!.entries == [[1, 1], [2, 0.5]])
    }

    /// The recurrent table moves every edge of G by η r[s_i][s_j] on a mistake, and no other entry.
    @Test func recurrentTableUpdatesTheEdgesOfG() throws {
        let network = try KCapNetworkTests.network()
        let r: [[Double]] = (0..<4).map { a in (0..<4).map { b in Double(4 * a + b) } }
        let engine = try KCapEngine(rule: .twoNodePerceptron(rounds: 2, recurrent: r, gate: .all), network: network)
        let x: [Double] = [3, -1, 2, 2, 0, 1]
        x.withUnsafeBufferPointer { _ = engine.train(drive: $0, label: 0) }
        let s = [2, 1, 3, 3, 0, 0]
        for i in 0..<6 {
            for j in 0..<6 {
                let expected = network.recurrent[i, j] + (network.edges[i * 6 + j] == 1 ? 0.01 * r[s[i]][s[j]] : 0)
                #expect(engine.network.recurrent[i, j] == expected)
            }
        }
    }

    /// Logits [0, 2] for label 1 (correct, leading by 2): a margin of 1 leaves U alone; a margin of 3
    /// updates with the runner-up (class 0) in the predicted node's role.
    @Test func marginGateUpdatesCloseCorrectExamples() throws {
        let x: [Double] = [3, -1, 2, 2, 0, 1], network = try KCapNetworkTests.network()
        let narrow = try KCapEngine(rule: .twoNodePerceptron(rounds: 2), network: network, margin: 1)
        x.withUnsafeBufferPointer { _ = narrow.train(drive: $0, label: 1) }
        #expect(narrow.network.readout == network.readout)
        let wide = try KCapEngine(rule: .twoNodePerceptron(rounds: 2), network: network, margin: 3)
        x.withUnsafeBufferPointer { _ = wide.train(drive: $0, label: 1) }
        var u = network.readout
        for (i, s) in [2, 1, 3, 3, 0, 0].enumerated() {
            u[0, i] += 0.01 * (s & 1 == 1 ? -1 : 1)
            u[1, i] += 0.01 * (s & 1 == 1 ? 1 : -1)
        }
        #expect(wide.network.readout == u)
        #expect(throws: NetworkError.unsupported("rule 'two-node-perceptron': a margin widens gate 'misclassified'; gate 'all' updates on every example already")) {
            try KCapEngine(rule: .twoNodePerceptron(rounds: 2, gate: .all), network: network, margin: 1)
        }
    }

    @Test func enginesRefuseWhatTheyCannotRun() throws {
        let network = try KCapNetworkTests.network()
        var probed = PlasticityRule.twoNodePerceptron(rounds: 2)
        probed.probe = .nodes(sigma: 0.1, site: .output)
        #expect(throws: NetworkError.unsupported("rule 'two-node-perceptron': probe must be none: the rule reads firing histories, not noise (seed 002's table rules)")) {
            try KCapEngine(rule: probed, network: network)
        }
        #expect(throws: NetworkError.unsupported("rule 'two-node-perceptron': the output projection: table 'ro' is 2 × 2; expected 4 × 2 (seed 002's table rules)")) {
            try KCapEngine(rule: .twoNodePerceptron(rounds: 1), network: network)
        }
        var hebbian = PlasticityRule.twoNodePerceptron(rounds: 2)
        hebbian.local[0].term = try LocalTerm(parsing: "ro[pre_history][post_role] * post")
        #expect(throws: NetworkError.unsupported("rule 'two-node-perceptron': the output projection: the term 'ro[pre_history][post_role] * post' cannot run on this network; allowed: c * NAME[pre_history][post_role] (seed 002's table rules)")) {
            try KCapEngine(rule: hebbian, network: network)
        }
        #expect(throws: NetworkError.unsupported("rule 'perceptron-table': the output projection: 'r[pre_history][post_history]' is indexed by post_history; expected c * NAME[pre_history][post_role] (seed 002's table rules)")) {
            try KCapEngine(rule: .perceptronTable(), network: try KCapNetworkTests.network().withRounds(1))
        }
    }

    @Test func postRoleParsesPrintsAndIsRefusedOnFeedforwardNetworks() throws {
        let term = try LocalTerm(parsing: "2 * ro[pre_history][post_role]")
        #expect(term.description == "2 * ro[pre_history][post_role]")
        #expect(term.products[0].factors == [.table("ro", .postRole)])
        #expect(throws: LocalTermError.self) { try LocalTerm(parsing: "ro[pre_history][post_label]") }
        let rule = PlasticityRule(name: "t", probe: .none, local: [SelectedTerm(.all, term)], optimizer: .sgd(learningRate: 0.1),
                                  tables: ["ro": RuleTable([[0, 1], [1, 0]])])
        #expect(throws: NetworkError.unsupported("rule 't': projection 1 (into layer 1, linear): 'ro[pre_history][post_role]' is the output rule of a k-cap network (KCapEngine); a feedforward network's tables are indexed [pre_history][post_history]")) {
            try rule.validate(populations: [Population(size: 2, activation: .linear)], intrinsicNoise: false)
        }
        var factor = PlasticityRule.perceptronTable()
        factor.update = .factor
        factor.local = [SelectedTerm(.all, try LocalTerm(parsing: "pre * post"))]
        #expect(throws: NetworkError.unsupported("rule 'perceptron-table': update 'factor' (w ← w·φ, seed 002's MW factors) runs on k-cap networks and single table neurons; use additive or multiplicative")) {
            try factor.validate(populations: [Population(size: 2, activation: .linear)], intrinsicNoise: false)
        }
    }
}

/// Every rule part the k-cap engine and the single neuron cannot run, refused in one line.
@Suite struct Seed002RuleRefusalTests {
    static func message(_ edit: (inout PlasticityRule) -> Void, rounds: Int = 2) -> String {
        var rule = PlasticityRule.twoNodePerceptron(rounds: rounds)
        edit(&rule)
        do {
            _ = try KCapEngine(rule: rule, network: try KCapNetworkTests.network())
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func partsTheEngineCannotRunAreRefused() throws {
        let tail = " (seed 002's table rules)", head = "rule 'two-node-perceptron': "
        #expect(Self.message { $0.trace = .exponential(tau: 1) } == head + "trace must be immediate: each example updates at once" + tail)
        #expect(Self.message { $0.optimizer = .adam(AdamSettings()) } == head + "optimizer must be sgd (η scales the table's entries)" + tail)
        #expect(Self.message { $0.optimizer = .sgd(learningRate: 0) } == head + "the learning rate must be a positive number, got 0.0" + tail)
        #expect(Self.message { $0.modulator.baseline = .batchMean } == head + "the modulator must be the gate alone (source: constant, baseline: none)" + tail)
        #expect(Self.message { $0.modulator.source = .negativeLoss } == head + "the modulator must be the gate alone (source: constant, baseline: none)" + tail)
        #expect(Self.message { $0.tables = ["q": RuleTable([[1, 2]])] } == head + "the output projection: unknown table 'ro'; the rule declares 'q'" + tail)
        #expect(Self.message { $0.tables["ro"] = RuleTable([[1, 2], [3, 4], [5, .infinity], [0, 0]]) } == head + "table 'ro': entries must be finite" + tail)
        #expect(Self.message { $0.local = [] } == head + "no local term applies to the recurrent or the output projection" + tail)
        #expect(Self.message { $0.local[0].selector = .all }
                == head + "the recurrent projection: 'ro[pre_history][post_role]' is indexed by post_role; expected c * NAME[pre_history][post_history]" + tail)
        var c = try KCapNetworkTests.network().configuration
        c.ties = .random
        let random = try KCapNetwork(c, initialWeight: 0, rng: try RandomGenerator(.mt19937, seed: 1))
        #expect(throws: NetworkError.unsupported(head + "random cap ties need a tie stream")) {
            try KCapEngine(rule: .twoNodePerceptron(rounds: 2), network: random)
        }
        #expect(throws: NetworkError.unsupported("rule 'w': a single neuron needs a term on its output projection")) {
            try TableRuleNeuron(rule: .seed002(name: "w", output: nil, recurrent: [[0, 0], [0, 0]], learningRate: 0.1, gate: .all, update: .additive), inputs: 3)
        }
    }
}

extension KCapNetwork {
    /// The same weights with T rounds (tests).
    func withRounds(_ rounds: Int) throws -> KCapNetwork {
        var c = configuration
        c.rounds = rounds
        return try KCapNetwork(c, inputWeights: inputWeights, recurrent: recurrent, readout: readout, edges: edges)
    }
}
