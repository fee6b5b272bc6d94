/// Checks that every part of a ``PlasticityRule`` can run on a network before anything runs, and
/// picks each projection's term. Messages are one line naming the rule, the projection and the
/// factor, and what is allowed instead.
enum RuleValidation {
    /// Per projection (into population ℓ, from ℓ − 1 or the input), the term that applies.
    static func terms(of rule: PlasticityRule, on populations: [Population], intrinsic: Bool,
                      environment: Bool = false) throws -> [LocalTerm?] {
        func refuse(_ why: String) -> NetworkError { .unsupported("rule '\(rule.name)': \(why)") }
        let sigma = rule.sigma
        if rule.probe != .none, !(sigma > 0 && sigma.isFinite) {
            throw refuse("the probe's sigma must be a positive number, got \(sigma)")
        }
        guard rule.learningRate > 0, rule.learningRate.isFinite else {
            throw refuse("the learning rate must be a positive number, got \(rule.learningRate)")
        }
        guard rule.update != .factor else {
            throw refuse("update 'factor' (w ← w·φ, seed 002's MW factors) runs on k-cap networks and single table neurons; use additive or multiplicative")
        }
        guard populations.allSatisfy({ $0.leakSteps == nil }) else {
            throw refuse("the step updates once per feedforward pass: populations must not leak")
        }
        var antithetic = false
        if case .synapses(_, _, let a) = rule.probe { antithetic = a }
        if environment {
            guard populations.last!.activation == .softmax else { throw refuse("a policy on an environment needs a softmax output layer") }
            if antithetic { throw refuse("an antithetic pair needs two passes of one sample; environments step once") }
            if rule.modulator.gate != .all { throw refuse("gate '\(rule.modulator.gate.rawValue)' needs targets; environments give rewards") }
            if rule.modulator.baseline == .batchMean { throw refuse("baseline batch-mean needs a batch of rewards at once; on environments use running-average or none") }
            if case .adam = rule.optimizer { throw refuse("optimizer adam: on environments weights change as dopamine arrives (sgd)") }
            if case .signSGD = rule.optimizer { throw refuse("optimizer sign-sgd: on environments weights change as dopamine arrives (sgd)") }
            if rule.update != .additive { throw refuse("update '\(rule.update.rawValue)': on environments weights change additively as dopamine arrives") }
        } else {
            if rule.trace != .immediate, case .synapses(_, _, true) = rule.probe {
                throw refuse("trace \(rule.trace): an antithetic pair's modulator is formed from both passes at once; its eligibility is immediate")
            }
            guard rule.modulator.dopamine == DopamineKinetics() else {
                throw refuse("dopamine delay and decay apply on environments; minibatch steps deliver the modulator at once")
            }
        }
        if antithetic != (rule.modulator.baseline == .antithetic) {
            throw refuse("an antithetic probe and the antithetic baseline go together (baseline: antithetic ⇔ probe antithetic)")
        }
        if case .intrinsic = rule.probe {
            guard intrinsic, populations.contains(where: { ($0.noise?.sigma ?? 0) > 0 }) else {
                throw refuse("probe 'intrinsic' learns from the populations' own noise: give a population noise σ > 0")
            }
        }
        if rule.modulator.gate == .misclassified, populations.last!.size < 2 {
            throw refuse("gate 'misclassified' needs an output of at least two classes")
        }
        switch rule.modulator.source {
        case .negativeLoss: break
        case .constant, .dopaminergic:
            guard rule.modulator.baseline == .none, rule.modulator.normalization == .none else {
                throw refuse("a constant or dopaminergic modulator takes no baseline or normalization (baseline: none)")
            }
            if environment { throw refuse("on environments the modulator is made from rewards (source: negative-loss)") }
        }
        let last = populations.count - 1
        let terms = populations.enumerated().map { l, population in
            rule.term(intoOutput: l == last, activation: population.activation)
        }
        guard terms.contains(where: { $0 != nil }) else { throw refuse("no local term applies to any projection") }
        if rule.modulator.source.perOutput, terms.dropLast().contains(where: { $0 != nil }) {
            throw refuse("a modulator per output unit reaches only projections into the output (local: {output: …})")
        }
        for (l, term) in terms.enumerated() {
            guard let term else { continue }
            let site = "projection \(l + 1) (into layer \(l + 1), \(populations[l].activation))"
            for product in term.products {
                if product.tables.count > 1 || (!product.tables.isEmpty && product.usesSynapticNoise) {
                    throw refuse("\(site): a product may look up one table, without eps")
                }
                for factor in product.factors {
                    try check(factor, site: site, layer: l, last: last, populations: populations, probe: rule.probe,
                              antithetic: antithetic, environment: environment, rule: rule, refuse: refuse)
                }
            }
        }
        return terms
    }

    private static func check(_ factor: LocalTerm.Factor, site: String, layer l: Int, last: Int, populations: [Population],
                              probe: Probe, antithetic: Bool, environment: Bool, rule: PlasticityRule,
                              refuse: (String) -> NetworkError) throws {
        let name = LocalTerm.name(factor)
        let noiseAtNeurons: Bool = { switch probe { case .nodes, .intrinsic: return true; default: return false } }()
        switch factor {
        case .postCount: break
        case .table(let name, let column):
            guard column == .postHistory else {
                throw refuse("\(site): '\(name)[pre_history][post_role]' is the output rule of a k-cap network (KCapEngine); a feedforward network's tables are indexed [pre_history][post_history]")
            }
            guard let table = rule.tables[name] else {
                throw refuse("\(site): unknown table '\(name)'; the rule declares \(rule.tables.keys.sorted().map { "'\($0)'" }.joined(separator: ", "))")
            }
            guard table.entries.count == 2, table.entries.allSatisfy({ $0.count == 2 }) else {
                throw refuse("table '\(name)' is \(table.entries.count) × \(table.entries.first?.count ?? 0); a feedforward network fires once per example, so a table over pre and post firing is 2 × 2")
            }
            guard table.entries.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { throw refuse("table '\(name)': entries must be finite") }
        case .instance(.logProbabilityDifference, _):
            guard environment, probe != .none else { throw refuse("\(site): 'dlogp' compares the probed and clean policies of an environment's action") }
        case .instance(.noiseSquaredNorm, _):
            guard noiseAtNeurons else { throw refuse("\(site): 'noise_sq' needs noise at the neurons (probe: nodes or intrinsic)") }
        case .synapticNoise:
            guard case .synapses = probe else { throw refuse("\(site): 'eps' needs a synaptic probe (probe: synapses)") }
        case .pre(let f), .post(let f):
            let isPost: Bool = { if case .post = factor { return true } else { return false } }()
            if antithetic { throw refuse("\(site): '\(name)': an antithetic pair's terms may read only eps and constants") }
            let population = isPost ? l : l - 1  // −1: the input (a chain, as Network.source(ofProjection:))
            switch f.signal {
            case .noise:
                switch probe {
                case .nodes, .intrinsic: break
                default: throw refuse("\(site): '\(name)' needs noise at the neurons (probe: nodes or intrinsic)")
                }
            case .derivative, .cleanDerivative:
                if population >= 0, populations[population].activation == .softmax {
                    throw refuse("\(site): '\(name)': softmax has no elementwise derivative")
                }
            case .logProbabilityGradient:
                guard environment, probe == .none else {
                    throw refuse("\(site): '\(name)' is the gradient of an environment's policy (probe: none)")
                }
            case .error:
                guard isPost, l == last else { throw refuse("\(site): 'post_error' exists only on projections into the output") }
                guard !environment else { throw refuse("\(site): 'post_error' needs targets; environments give rewards") }
            default: break
            }
        }
    }
}
