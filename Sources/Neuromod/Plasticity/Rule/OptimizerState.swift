import Foundation

/// The state an ``Optimizer`` keeps between steps (Adam's moments) and the buffers it writes the
/// change into, one per projection, allocated once.
///
/// | optimizer | change from the three-factor sum U |
/// |---|---|
/// | `sgd(η)` | η U (already folded into U by the engine) |
/// | `signSGD(ε′)` | ε′ · sign(U) (0 where U = 0) |
/// | `adam` | −rate · m̂ / (√v̂ + ε) with g = −U (Kingma & Ba 2015, bias-corrected) |
struct OptimizerState {
    private(set) var changes: [LayerParameters]
    private var firstMoment: [LayerParameters]
    private var secondMoment: [LayerParameters]
    private var steps: [Int]

    init(shapes: [LayerParameters]) {
        changes = shapes
        firstMoment = shapes
        secondMoment = shapes
        steps = Array(repeating: 0, count: shapes.count)
    }

    /// changes[l] ← the optimizer's change for the three-factor sum `u` of projection `l`.
    mutating func transform(_ u: LayerParameters, projection l: Int, optimizer: Optimizer) {
        switch optimizer {
        case .sgd:
            changes[l] = u
        case .signSGD(let rate):
            func sign(_ x: Double) -> Double { x > 0 ? rate : x < 0 ? -rate : 0 }
            for k in u.weights.storage.indices { changes[l].weights.storage[k] = sign(u.weights.storage[k]) }
            for j in u.bias.indices { changes[l].bias[j] = sign(u.bias[j]) }
        case .adam(let adam):
            steps[l] += 1
            let c1 = 1 - pow(adam.beta1, Double(steps[l])), c2 = 1 - pow(adam.beta2, Double(steps[l]))
            func step(_ g: Double, _ m: inout Double, _ v: inout Double) -> Double {
                m = adam.beta1 * m + (1 - adam.beta1) * g
                v = adam.beta2 * v + (1 - adam.beta2) * g * g
                return -adam.rate * (m / c1) / ((v / c2).squareRoot() + adam.epsilon)
            }
            for k in u.weights.storage.indices {
                changes[l].weights.storage[k] = step(-u.weights.storage[k], &firstMoment[l].weights.storage[k],
                                                     &secondMoment[l].weights.storage[k])
            }
            for j in u.bias.indices {
                changes[l].bias[j] = step(-u.bias[j], &firstMoment[l].bias[j], &secondMoment[l].bias[j])
            }
        }
    }

    /// changes[l] ← changes[l] ⊙ w: the multiplicative form w ← w (1 + Δ).
    mutating func multiply(projection l: Int, by parameters: LayerParameters) {
        for k in changes[l].weights.storage.indices { changes[l].weights.storage[k] *= parameters.weights.storage[k] }
        for j in changes[l].bias.indices { changes[l].bias[j] *= parameters.bias[j] }
    }
}

/// Hyperparameters of Adam (Kingma & Ba 2015); the defaults are the paper's.
public struct AdamSettings: Sendable, Equatable {
    public var rate: Double
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double

    public init(rate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.rate = rate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }
}
