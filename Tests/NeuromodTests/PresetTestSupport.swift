@testable import Neuromod

/// The supervised presets by name, for tests that go over several of them.
enum Preset: CustomStringConvertible {
    case weightPerturbation
    case threeFactorWeightPerturbation(HebbianVariant)
    case threeFactorNodePerturbation
    case antitheticSPSA
    case evolutionStrategies

    func rule(learningRate: Double, sigma: Double, baseline: Modulation.Baseline = .batchMean) -> PlasticityRule {
        switch self {
        case .weightPerturbation: return .weightPerturbation(learningRate: learningRate, sigma: sigma, baseline: baseline)
        case .threeFactorWeightPerturbation(let v):
            return .threeFactorWeightPerturbation(v, learningRate: learningRate, sigma: sigma, baseline: baseline)
        case .threeFactorNodePerturbation: return .nodePerturbation(learningRate: learningRate, sigma: sigma, baseline: baseline)
        case .antitheticSPSA: return .antitheticSPSA(learningRate: learningRate, step: sigma)
        case .evolutionStrategies: return .evolutionStrategies(learningRate: learningRate, sigma: sigma, baseline: baseline)
        }
    }

    var description: String { rule(learningRate: 1, sigma: 1).name }
}
