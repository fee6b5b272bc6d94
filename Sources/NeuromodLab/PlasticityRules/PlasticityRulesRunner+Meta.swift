import Foundation
import Neuromod
import NeuromodTasks

extension PlasticityRulesRunner {
    /// The rules of the `meta-learned` methods of `methods`, learned before any training job, one per method
    /// (jobs over the methods), keyed by method name. As in A.2, a rule is learned once and every
    /// run retrains with it (a new network and example order per run).
    func learnRules(_ methods: [KCapMethod], data: [(train: ClassificationSet, test: ClassificationSet)], jobs: Int,
                    progress: @escaping @Sendable (LearnedRule) -> Void) throws -> [String: LearnedRule] {
        let metas = methods.filter { $0.meta != nil }
        guard !metas.isEmpty else { return [:] }
        let rules = try parallelMap(count: metas.count, jobs: jobs) { job in
            let rule = try learnRule(metas[job], data: data)
            progress(rule)
            return rule
        }
        return Dictionary(uniqueKeysWithValues: rules.map { ($0.method, $0) })
    }

    /// One method's rule (``RuleMetaLearner``): the meta network (n, k of `meta`, the method's T)
    /// is drawn from the meta-learning streams, the same for every method, so two methods that
    /// learn alike learn the same rule.
    func learnRule(_ method: KCapMethod, data: [(train: ClassificationSet, test: ClassificationSet)]) throws -> LearnedRule {
        let meta = method.meta!, started = Date()
        guard case .rule(let template, let outputEdges, let margin) = method.learning, case .sgd(let eta) = template.optimizer else {
            preconditionFailure("a meta-learned method is a rule method")
        }
        let d = spec.datasets.firstIndex { $0.name == meta.source }!, set = data[d].train
        var configuration = spec.configuration(method, inputs: set.inputs.cols, classes: max(set.classes, data[d].test.classes))
        configuration.nodes = meta.nodes ?? spec.nodes
        configuration.cap = meta.cap ?? spec.cap
        func stream(_ k: UInt64) throws -> RandomGenerator {
            try RandomGenerator(spec.random, seed: spec.seed, stream: StreamPlan.metaLearning + k)
        }
        let network = try KCapNetwork(configuration, initialWeight: method.initialWeight, rng: try stream(0))
        let order = try stream(1), start = try stream(2), ties = configuration.ties == .random ? try stream(3) : nil
        var setting = RuleMetaGradient.Setting()
        (setting.update, setting.gate, setting.outputEdges, setting.margin) = (template.update, template.modulator.gate, outputEdges, margin)
        (setting.rate, setting.loss) = (eta, meta.loss)
        let states = 1 << method.rounds
        let recurrent: RuleMetaLearner.RecurrentRule
        switch meta.recurrent {
        case .none: recurrent = .none
        case .table:
            recurrent = .table((0..<states).map { _ in (0..<states).map { _ in meta.recurrentStart == .normal ? start.gaussian() : 0 } })
        case .network:
            recurrent = .network(RuleNetwork(rounds: method.rounds, hidden: meta.hidden, activation: meta.activation, bits: meta.bits, rng: start))
        }
        let output = meta.outputStart == .zero ? [[Double]](repeating: [0, 0], count: states)
            : PlasticityRule.twoNodePerceptron(rounds: method.rounds).tables["ro"]!.entries
        var learner = RuleMetaLearner(gradient: try RuleMetaGradient(network: network, setting: setting), recurrent: recurrent,
                                      output: output, adam: meta.adam, weightDecay: meta.weightDecay)
        learner.learnRecurrent = meta.learnRecurrent
        learner.learnOutput = meta.learnOutput
        let rows = Array(0..<min(meta.train ?? set.count, set.count))
        let drives = network.drives(set.inputs.gatherRows(rows)), labels = rows.map { set.labels[$0] }
        var losses: [Double] = []
        for _ in 0..<meta.epochs {
            losses.append(try learner.epoch(drives: drives, labels: labels, order: order.permutation(rows.count),
                                            batch: min(meta.batch, rows.count), tieRNG: ties))
        }
        var networkParameters: [Double]?
        if case .network(let net) = learner.recurrent { networkParameters = net.parameters }
        return LearnedRule(method: method.name, source: meta.source, recurrent: learner.recurrent.table, output: learner.output!,
                           networkParameters: networkParameters, losses: losses, seconds: Date().timeIntervalSince(started))
    }

    /// The method's rule with the learned tables in place of the template's.
    static func rule(_ template: PlasticityRule, learned: LearnedRule) -> PlasticityRule {
        var rule = template
        rule.tables["ro"] = RuleTable(learned.output)
        if let r = learned.recurrent { rule.tables["r"] = RuleTable(r) }
        return rule
    }
}
