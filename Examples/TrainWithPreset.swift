import Neuromod
import NeuromodTasks

/// Example 1: train with a preset rule. Three-factor node perturbation (thesis Algorithm 3) at the
/// thesis's selected η = 0.2, σ = 0.1, on a network whose hidden neurons are themselves noisy
/// (σ = 0.02 on their rates): the rule learns from its own probe on top of the device's noise.
/// The same preset by the name a spec uses: `RulePresets.named("three-factor-np")`.
enum TrainWithPreset {
    /// Prints the loss before and after 40 epochs; returns whether it fell.
    static func run() throws -> Bool {
        let data = try Sinusoid.data()
        let network = try Sinusoid.network(noise: 0.02)
        let rule = PlasticityRule.nodePerturbation(learningRate: 0.2, sigma: 0.1)
        return Sinusoid.report("preset \(rule.name)", try Sinusoid.train(network, rule: rule, on: data, epochs: 40))
    }
}
