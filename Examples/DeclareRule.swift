import Neuromod
import NeuromodTasks

/// Example 2: declare a rule from its parts and train with it. The local term is written in its
/// text form (``LocalTerm``'s grammar, docs/rules.md): node perturbation whose postsynaptic factor
/// is the change of the neuron's drive (activity-difference NP, Dalm et al. 2023), with noise on
/// every neuron's pre-activation and the batch's mean reward as baseline.
enum DeclareRule {
    /// The declared rule: η = 0.2, σ = 0.1.
    static func rule() throws -> PlasticityRule {
        PlasticityRule(
            name: "my-activity-difference-np",
            probe: .nodes(sigma: 0.1, site: .preActivation),
            local: [SelectedTerm(.all, try LocalTerm(parsing: "pre_clean * post_drive_diff / sigma^2"))],
            modulator: Modulation(baseline: .batchMean),
            optimizer: .sgd(learningRate: 0.2))
    }

    /// Prints the loss before and after 40 epochs; returns whether it fell.
    static func run() throws -> Bool {
        let data = try Sinusoid.data()
        let rule = try rule()
        let result = try Sinusoid.train(Sinusoid.network(), rule: rule, on: data, epochs: 40)
        return Sinusoid.report("declared \(rule.name)", result)
    }
}
