import Foundation
import Testing
@testable import Neuromod

/// The engine runs a declared rule's parts as declared: terms, modulator, gate, optimizer, update
/// form, device write path; and refuses, in one line, what a projection cannot see.
@Suite struct PlasticityEngineTests {
    typealias Fixture = ThreeFactorPresetTests
    static let x = Matrix(Fixture.x), t = Matrix(Fixture.t.map { [$0] })

    static func engine(_ rule: PlasticityRule, network: Network? = nil) throws -> PlasticityEngine {
        try PlasticityEngine(rule: rule, network: network ?? Fixture.network(),
                             probeStreams: InstanceStreams(.mt19937, seed: 99, base: 0, count: 4))
    }

    /// Node perturbation written as text gives the preset's update bit for bit.
    @Test func declaredNodePerturbationIsThePresetBitForBit() throws {
        let preset = try Self.engine(.nodePerturbation(learningRate: 0.7, sigma: 0.2))
        var declared = PlasticityRule.nodePerturbation(learningRate: 0.7, sigma: 0.2)
        declared.local = [SelectedTerm(.all, try LocalTerm(parsing: "pre_clean * post_deriv_clean * post_noise / sigma^2"))]
        declared.name = "declared"
        let engine = try Self.engine(declared)
        for _ in 0..<3 {
            try preset.step(input: Self.x, target: Self.t)
            try engine.step(input: Self.x, target: Self.t)
            #expect(engine.updates == preset.updates)
            #expect(engine.network.parameters == preset.network.parameters)
        }
    }

    /// A Hebbian rule without a probe, M = R = −L (no baseline): ΔW_ji = η/B Σ_n M⁽ⁿ⁾ x_i y_j,
    /// written out by hand on a 2 → 1 linear network.
    static func hebbian(_ optimizer: Optimizer, update: UpdateForm = .additive) throws -> (before: LayerParameters, after: LayerParameters, u: [Double]) {
        let network = try Network(inputSize: 2, populations: [Population(size: 1, activation: .linear)],
                                  parameters: [LayerParameters(weights: Matrix([[0.4, -0.3]]), bias: [0.2])])
        let rule = PlasticityRule(name: "hebb", probe: .none, local: [SelectedTerm(.all, try LocalTerm(parsing: "pre * post"))],
                                  modulator: Modulation(baseline: .none), update: update, optimizer: optimizer)
        let engine = try Self.engine(rule, network: network)
        let x = [[1.0, 2.0], [-0.5, 0.5]], t = [0.3, -0.2]
        var u = [0.0, 0.0, 0.0]
        for n in 0..<2 {
            let y = 0.4 * x[n][0] - 0.3 * x[n][1] + 0.2
            let m = -(y - t[n]) * (y - t[n])
            u[0] += m * x[n][0] * y / 2
            u[1] += m * x[n][1] * y / 2
            u[2] += m * y / 2
        }
        let before = network.parameters[0]
        try engine.step(input: Matrix(x), target: Matrix(t.map { [$0] }))
        return (before, network.parameters[0], u)
    }

    @Test func sgdAddsEtaTimesTheThreeFactorSum() throws {
        let (before, after, u) = try Self.hebbian(.sgd(learningRate: 0.5))
        let w = after.weights.storage + after.bias, w0 = before.weights.storage + before.bias
        for k in 0..<3 { #expect(abs(w[k] - (w0[k] + 0.5 * u[k])) < 1e-15) }
    }

    @Test func signSGDStepsByTheRateInTheSumsDirection() throws {
        let (before, after, u) = try Self.hebbian(.signSGD(rate: 0.01))
        let w = after.weights.storage + after.bias, w0 = before.weights.storage + before.bias
        for k in 0..<3 { #expect(abs(w[k] - (w0[k] + 0.01 * (u[k] > 0 ? 1 : -1))) < 1e-15) }
    }

    /// Adam's first bias-corrected step is −rate·g/(|g| + ε) with g = −U.
    @Test func adamsFirstStepIsTheRateAlongTheSum() throws {
        let (before, after, u) = try Self.hebbian(.adam(AdamSettings(rate: 0.01)))
        let w = after.weights.storage + after.bias, w0 = before.weights.storage + before.bias
        for k in 0..<3 { #expect(abs(w[k] - (w0[k] + 0.01 * u[k] / (abs(u[k]) + 1e-8))) < 1e-12) }
    }

    @Test func multiplicativeUpdateScalesEachWeightByOnePlusItsChange() throws {
        let (before, after, u) = try Self.hebbian(.sgd(learningRate: 0.5), update: .multiplicative)
        let w = after.weights.storage + after.bias, w0 = before.weights.storage + before.bias
        for k in 0..<3 { #expect(abs(w[k] - w0[k] * (1 + 0.5 * u[k])) < 1e-15) }
    }

    /// A trace on a supervised task: slot n's eligibility decays by e^(−1/τ) per minibatch step
    /// (τ in steps) and takes row n's local term; ΔW = η/B Σ_n M⁽ⁿ⁾ e⁽ⁿ⁾ with this step's M.
    /// Hebbian φ = x_i y_j on a 2 → 1 linear network, M = −L, two steps, by hand.
    @Test func aTraceOnASupervisedTaskCarriesEarlierSteps() throws {
        let tau = 2.0, eta = 0.1
        let network = try Network(inputSize: 2, populations: [Population(size: 1, activation: .linear)],
                                  parameters: [LayerParameters(weights: Matrix([[0.4, -0.3]]), bias: [0.2])])
        let rule = PlasticityRule(name: "hebb-trace", probe: .none, local: [SelectedTerm(.all, try LocalTerm(parsing: "pre * post"))],
                                  trace: .exponential(tau: tau), modulator: Modulation(baseline: .none),
                                  optimizer: .sgd(learningRate: eta))
        let engine = try Self.engine(rule, network: network)
        let x = [[1.0, 2.0], [-0.5, 0.5]], t = [0.3, -0.2]
        var w = [0.4, -0.3, 0.2], e = [[0.0, 0, 0], [0, 0, 0]]
        for _ in 0..<2 {
            var change = [0.0, 0, 0]
            for n in 0..<2 {
                let y = w[0] * x[n][0] + w[1] * x[n][1] + w[2]
                let m = -(y - t[n]) * (y - t[n])
                let phi = [x[n][0] * y, x[n][1] * y, y]
                for k in 0..<3 { e[n][k] = exp(-1 / tau) * e[n][k] + phi[k]; change[k] += eta * m * e[n][k] / 2 }
            }
            for k in 0..<3 { w[k] += change[k] }
            try engine.step(input: Matrix(x), target: Matrix(t.map { [$0] }))
        }
        let got = network.parameters[0].weights.storage + network.parameters[0].bias
        for k in 0..<3 { #expect(abs(got[k] - w[k]) < 1e-14, "\(got) vs \(w)") }
    }

    @Test func biasesStayWhenTheyAreNotPlastic() throws {
        var rule = PlasticityRule.weightPerturbation(learningRate: 0.5, sigma: 0.1)
        rule.plasticBiases = false
        let engine = try Self.engine(rule)
        let before = engine.network.parameters
        try engine.step(input: Self.x, target: Self.t)
        #expect(engine.network.parameters.map(\.bias) == before.map(\.bias))
        #expect(engine.network.parameters.map(\.weights) != before.map(\.weights))
    }

    /// A modulator of 0 everywhere changes nothing under SGD (the step is skipped), but Adam's
    /// momentum from earlier steps still moves the weights.
    @Test func aSilentModulatorSkipsSGDButNotAdamsMomentum() throws {
        for (optimizer, moves) in [(Optimizer.sgd(learningRate: 0.5), false), (.adam(AdamSettings(rate: 0.01)), true)] {
            var rule = PlasticityRule.weightPerturbation(learningRate: 0.5, sigma: 0.1)
            rule.optimizer = optimizer
            let engine = try Self.engine(rule)
            try engine.step(input: Self.x, target: Self.t)
            // A batch of one is its own batch mean: M = 0.
            let before = engine.network.parameters
            try engine.step(input: Matrix([Fixture.x[0]]), target: Matrix([[Fixture.t[0]]]))
            #expect(engine.modulation == [0])
            #expect((engine.network.parameters != before) == moves, "\(optimizer)")
        }
    }

    /// Gate `misclassified`: instances whose largest output is the target's class broadcast M = 0.
    @Test func misclassifiedGateSilencesCorrectInstances() throws {
        let network = try Network(inputSize: 2, populations: [Population(size: 2, activation: .linear)],
                                  parameters: [LayerParameters(weights: Matrix([[1, 0], [0, 1]]), bias: [0, 0])])
        let rule = PlasticityRule(name: "gated", probe: .none, local: [SelectedTerm(.all, try LocalTerm(parsing: "pre * post_error"))],
                                  modulator: Modulation(baseline: .none, gate: .misclassified), optimizer: .sgd(learningRate: 1))
        let engine = try Self.engine(rule, network: network)
        // Instance 0 is right (output 0 largest, class 0), instance 1 wrong (output 0 largest, class 1).
        try engine.computeUpdate(input: Matrix([[2, 1], [3, 1]]), target: Matrix([[1, 0], [0, 1]]))
        #expect(engine.modulation[0] == 0)
        let l1 = engine.instanceLosses[1]
        #expect(engine.modulation[1] == -l1)
        // ΔW_ji = (1/2) M⁽¹⁾ x_i (y_j − t_j) for instance 1 only: y = (3, 1), t = (0, 1).
        #expect(engine.updates[0].weights == Matrix([[-l1 * 3 * 3 / 2, -l1 * 1 * 3 / 2], [0, 0]]))
    }

    /// Every change goes through the device's write path, once per projection and step.
    @Test func changesGoThroughTheDeviceWritePath() throws {
        final class HalvingDevice: SynapseDevice {
            var writes: [Int] = []
            func prepareRead(_ network: Network) {}
            func write(_ change: LayerParameters, projection: Int, into parameters: inout LayerParameters) {
                writes.append(projection)
                parameters.add(change, scaledBy: 0.5)
            }
        }
        let engine = try Self.engine(.weightPerturbation(learningRate: 0.5, sigma: 0.1))
        let device = HalvingDevice()
        engine.device = device
        var seen: [[Double]] = []
        engine.monitors.append { seen.append($0.losses) }
        let before = engine.network.parameters
        try engine.step(input: Self.x, target: Self.t)
        #expect(device.writes == [0, 1])
        var expected = before
        for l in 0..<2 { expected[l].add(engine.updates[l], scaledBy: 0.5) }
        #expect(engine.network.parameters == expected)
        #expect(seen == [engine.instanceLosses])
    }

    @Test(arguments: [
        (PlasticityRule(name: "r", probe: .nodes(sigma: 0.1, site: .output), local: [SelectedTerm(.all, LocalTerm([.init(factors: [.synapticNoise])]))],
                        optimizer: .sgd(learningRate: 0.1)),
         "rule 'r': projection 1 (into layer 1, sigmoid): 'eps' needs a synaptic probe (probe: synapses)"),
        (PlasticityRule(name: "r", probe: .none, local: [SelectedTerm(.all, LocalTerm([.init(factors: [.post(.init(.noise))])]))],
                        optimizer: .sgd(learningRate: 0.1)),
         "rule 'r': projection 1 (into layer 1, sigmoid): 'post_noise' needs noise at the neurons (probe: nodes or intrinsic)"),
        (PlasticityRule(name: "r", probe: .none, local: [SelectedTerm(.all, LocalTerm([.init(factors: [.post(.init(.error))])]))],
                        optimizer: .sgd(learningRate: 0.1)),
         "rule 'r': projection 1 (into layer 1, sigmoid): 'post_error' exists only on projections into the output"),
        (PlasticityRule.weightPerturbation(learningRate: 0.1, sigma: 0), "rule 'weight-perturbation': the probe's sigma must be a positive number, got 0.0"),
        (PlasticityRule(name: "r", probe: .synapses(.gaussian, sigma: 0.1, antithetic: true),
                        local: [SelectedTerm(.all, LocalTerm([.init(factors: [.synapticNoise])]))], optimizer: .sgd(learningRate: 0.1)),
         "rule 'r': an antithetic probe and the antithetic baseline go together (baseline: antithetic ⇔ probe antithetic)"),
        (PlasticityRule(name: "r", probe: .synapses(.rademacher, sigma: 0.1, antithetic: true),
                        local: [SelectedTerm(.all, LocalTerm([.init(factors: [.synapticNoise])]))], trace: .exponential(tau: 1),
                        modulator: Modulation(baseline: .antithetic), optimizer: .sgd(learningRate: 0.1)),
         "rule 'r': trace exponential(tau: 1.0): an antithetic pair's modulator is formed from both passes at once; its eligibility is immediate"),
        (PlasticityRule(name: "r", probe: .none, local: [SelectedTerm(.activation(.tanh), LocalTerm([.init(factors: [.pre(.init(.rate))])]))],
                        optimizer: .sgd(learningRate: 0.1)),
         "rule 'r': no local term applies to any projection"),
    ])
    func partsAProjectionCannotSeeAreRefused(rule: PlasticityRule, message: String) throws {
        #expect(throws: NetworkError.unsupported(message)) { try Self.engine(rule) }
    }

    static let fired = LocalTerm([.init(factors: [.pre(.init(.fired))])])

    @Test(arguments: [
        (PlasticityRule(name: "r", probe: .none, local: [SelectedTerm(.all, fired)],
                        modulator: Modulation(source: .dopaminergic(.graded, .winner, lossThreshold: 0.75), baseline: .none),
                        optimizer: .sgd(learningRate: 0.1)),
         "rule 'r': a modulator per output unit reaches only projections into the output (local: {output: …})"),
        (PlasticityRule(name: "r", probe: .none, local: [SelectedTerm(.all, fired)], modulator: Modulation(source: .constant),
                        optimizer: .sgd(learningRate: 0.1)),
         "rule 'r': a constant or dopaminergic modulator takes no baseline or normalization (baseline: none)"),
        (PlasticityRule(name: "r", probe: .none, local: [SelectedTerm(.all, fired)],
                        modulator: Modulation(dopamine: DopamineKinetics(delay: 0.5)), optimizer: .sgd(learningRate: 0.1)),
         "rule 'r': dopamine delay and decay apply on environments; minibatch steps deliver the modulator at once"),
        (PlasticityRule(name: "r", probe: .none, local: [SelectedTerm(.all, fired)], optimizer: .sgd(learningRate: -1)),
         "rule 'r': the learning rate must be a positive number, got -1.0"),
    ])
    func modulatorsAndOptimizersAreChecked(rule: PlasticityRule, message: String) throws {
        #expect(throws: NetworkError.unsupported(message)) { try Self.engine(rule) }
    }

    /// On environments: a softmax policy, rewards one at a time, weights changed as dopamine arrives.
    @Test(arguments: [
        (Modulation(baseline: .batchMean), Optimizer.sgd(learningRate: 0.1),
         "rule 'r': baseline batch-mean needs a batch of rewards at once; on environments use running-average or none"),
        (Modulation(baseline: .none), Optimizer.adam(AdamSettings()),
         "rule 'r': optimizer adam: on environments weights change as dopamine arrives (sgd)"),
        (Modulation(baseline: .none, gate: .misclassified), Optimizer.sgd(learningRate: 0.1),
         "rule 'r': gate 'misclassified' needs targets; environments give rewards"),
    ])
    func environmentsRefuseWhatNeedsABatchOrTargets(modulator: Modulation, optimizer: Optimizer, message: String) throws {
        let policy = try Network(inputSize: 2, populations: [Population(size: 2, activation: .softmax)],
                                 initializer: .uniform, rng: RandomGenerator(seed: 1))
        let rule = PlasticityRule(name: "r", probe: .none, local: [SelectedTerm(.all, Self.fired)], trace: .episodeSum,
                                  modulator: modulator, optimizer: optimizer)
        #expect(throws: NetworkError.unsupported(message)) {
            try PlasticityEngine(rule: rule, network: policy, probeStreams: InstanceStreams(.taus2, seed: 1, base: 0, count: 1),
                                 environments: EnvironmentBatch(instances: 1, dt: 0.1,
                                                                policyStreams: InstanceStreams(.taus2, seed: 1, base: 9, count: 1)))
        }
        let linear = try Network(inputSize: 2, populations: [Population(size: 2, activation: .linear)],
                                 initializer: .uniform, rng: RandomGenerator(seed: 1))
        #expect(throws: NetworkError.unsupported("rule 'r': a policy on an environment needs a softmax output layer")) {
            try PlasticityEngine(rule: rule, network: linear, probeStreams: InstanceStreams(.taus2, seed: 1, base: 0, count: 1),
                                 environments: EnvironmentBatch(instances: 1, dt: 0.1,
                                                                policyStreams: InstanceStreams(.taus2, seed: 1, base: 9, count: 1)))
        }
    }

    @Test func softmaxHasNoDerivativeToRead() throws {
        let softmax = try Network(inputSize: 2, populations: [Population(size: 2, activation: .softmax)],
                                  initializer: .uniform, rng: RandomGenerator(seed: 1))
        #expect(throws: NetworkError.unsupported(
            "rule 'three-factor-np': projection 1 (into layer 1, softmax): 'post_deriv_clean': softmax has no elementwise derivative")) {
            try Self.engine(.nodePerturbation(learningRate: 0.1, sigma: 0.1), network: softmax)
        }
    }
}

/// Table rules (seed 002's form): the change of a synapse is r[s_i][s_j] at the firing of its two
/// neurons, times the modulator; written out by hand on a 2 → 3 ReLU → 1 network.
@Suite struct TableRuleTests {
    @Test func aTableTermLooksUpEachSynapsesFiring() throws {
        let w1 = [[0.5, -0.4], [-0.6, 0.3], [0.2, 0.7]], b1 = [0.1, -0.2, 0.05], w2 = [[0.8, -0.5, 0.4]], b2 = [0.1]
        let network = try Network(inputSize: 2, populations: [Population(size: 3, activation: .relu), Population(size: 1, activation: .linear)],
                                  parameters: [LayerParameters(weights: Matrix(w1), bias: b1), LayerParameters(weights: Matrix(w2), bias: b2)])
        let r = [[0.1, -0.2], [0.3, 0.5]], eta = 0.4
        let rule = PlasticityRule(name: "table", probe: .none,
                                  local: [SelectedTerm(.all, try LocalTerm(parsing: "r[pre_history][post_history]"))],
                                  modulator: Modulation(baseline: .none), optimizer: .sgd(learningRate: eta), tables: ["r": RuleTable(r)])
        let engine = try PlasticityEngine(rule: rule, network: network, probeStreams: InstanceStreams(.taus2, seed: 1, base: 0, count: 3))
        let x = [[1.0, 2.0], [-0.5, 0.5], [0.3, -1.0]], t = [0.3, -0.2, 0.5]
        try engine.computeUpdate(input: Matrix(x), target: Matrix(t.map { [$0] }))
        var dw1 = Array(repeating: [0.0, 0], count: 3), db1 = [0.0, 0, 0], dw2 = [0.0, 0, 0], db2 = 0.0
        func fired(_ v: Double) -> Int { v > 0 ? 1 : 0 }
        for n in 0..<3 {
            let h = (0..<3).map { j in max(0, w1[j][0] * x[n][0] + w1[j][1] * x[n][1] + b1[j]) }
            let y = (0..<3).reduce(b2[0]) { $0 + w2[0][$1] * h[$1] }
            let m = -(y - t[n]) * (y - t[n]) * eta / 3
            for j in 0..<3 {
                for i in 0..<2 { dw1[j][i] += m * r[fired(x[n][i])][fired(h[j])] }
                db1[j] += m * r[1][fired(h[j])]
                dw2[j] += m * r[fired(h[j])][fired(y)]
            }
            db2 += m * r[1][fired(y)]
        }
        for j in 0..<3 {
            for i in 0..<2 { #expect(abs(engine.updates[0].weights[j, i] - dw1[j][i]) < 1e-14) }
            #expect(abs(engine.updates[0].bias[j] - db1[j]) < 1e-14)
            #expect(abs(engine.updates[1].weights[0, j] - dw2[j]) < 1e-14)
        }
        #expect(abs(engine.updates[1].bias[0] - db2) < 1e-14)
    }

    @Test func tablesAreCheckedAgainstTheNetwork() throws {
        let network = try Network(inputSize: 2, populations: [Population(size: 1, activation: .linear)],
                                  initializer: .uniform, rng: RandomGenerator(seed: 1))
        func rule(_ tables: [String: RuleTable]) throws -> PlasticityRule {
            PlasticityRule(name: "t", probe: .none, local: [SelectedTerm(.all, try LocalTerm(parsing: "r[pre_history][post_history]"))],
                           optimizer: .sgd(learningRate: 0.1), tables: tables)
        }
        let streams = try InstanceStreams(.taus2, seed: 1, base: 0, count: 1)
        #expect(throws: NetworkError.unsupported("rule 't': projection 1 (into layer 1, linear): unknown table 'r'; the rule declares 'q'")) {
            try PlasticityEngine(rule: rule(["q": RuleTable([[0, 1], [1, 0]])]), network: network, probeStreams: streams)
        }
        #expect(throws: NetworkError.unsupported("rule 't': table 'r' is 4 × 4; a feedforward network fires once per example, so a table over pre and post firing is 2 × 2")) {
            try PlasticityEngine(rule: rule(["r": RuleTable(Array(repeating: [0, 0, 0, 0], count: 4))]), network: network, probeStreams: streams)
        }
        #expect(throws: LocalTermError.self) { try LocalTerm(parsing: "r[post_history][pre_history]") }
        #expect(try LocalTerm(parsing: "2 * r[pre_history][post_history] * post").description == "2 * r[pre_history][post_history] * post")
    }
}
