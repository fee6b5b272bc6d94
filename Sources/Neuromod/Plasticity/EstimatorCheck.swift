import Foundation

/// How a perturbation rule's update compares with the exact gradient — the statistics a user needs
/// to validate a local rule (their own, or one on a chip) against the backprop reference.
///
/// For a fixed network, batch and rule, K independent probe draws give updates u₁…u_K. The reference
/// is the update the rule should make in expectation, e = −η·c·∇L, with c from ``EstimatorCheck/expectedScale(of:batch:)``:
/// weight perturbation estimates σ∇L (thesis eq. 15), node perturbation, SPSA and ES estimate ∇L, and
/// a batch-mean baseline that includes the instance itself shrinks the expectation by (B − 1)/B.
public struct EstimatorStatistics: Sendable, Equatable {
    /// K, the number of probe draws.
    public var samples: Int
    /// cos(ū, e): the direction of the mean update against the exact gradient's.
    public var cosine: Double
    /// (ū − e)·e / |e|²: the mean update's error along the gradient, relative to it (0 = unbiased).
    public var relativeBias: Double
    /// Half-width of the 95 % confidence interval of `relativeBias` (1.96 standard errors over K draws).
    public var biasHalfWidth: Double
    /// Per-parameter variance of a single update, averaged over parameters and divided by |e|²/P
    /// (scale-free: 1 means each single update's noise is as large as the mean signal per parameter).
    public var normalizedVariance: Double
    /// cos(ū, e) per layer.
    public var layerCosine: [Double]
    /// c in e = −η c ∇L.
    public var expectedScale: Double

    /// Statistics as ``EstimatorCheck/measure(rule:network:input:target:samples:probeStreams:intrinsicStreams:precision:)``
    /// reports them (for a user's own estimator or device measurements, compared the same way).
    public init(samples: Int, cosine: Double, relativeBias: Double, biasHalfWidth: Double,
                normalizedVariance: Double, layerCosine: [Double], expectedScale: Double) {
        self.samples = samples
        self.cosine = cosine
        self.relativeBias = relativeBias
        self.biasHalfWidth = biasHalfWidth
        self.normalizedVariance = normalizedVariance
        self.layerCosine = layerCosine
        self.expectedScale = expectedScale
    }

    /// Whether 0 lies in the 95 % interval of the relative bias.
    public var biasIntervalContainsZero: Bool { abs(relativeBias) <= biasHalfWidth }
}

public enum EstimatorCheck {
    /// c such that E[ΔW] = −η c ∇L to first order in σ, from the rule's declaration: a term linear
    /// in the probe's noise and divided by σ^k estimates σ^(2−k) ∇L (weight perturbation, k = 1:
    /// σ∇L; node perturbation, SPSA and ES, k = 2: ∇L); a batch-mean baseline that includes the
    /// instance shrinks it by (B − 1)/B. A rule without a probe is compared with −η∇L. (For 3F-WP,
    /// the weight-perturbation value it is measured against; the thesis argues that rule is biased.)
    /// - Throws: when the products divide by different powers of σ (no single expectation).
    public static func expectedScale(of rule: PlasticityRule, batch: Int) throws -> Double {
        let baselineShrink = rule.modulator.baseline == .batchMean ? Double(batch - 1) / Double(batch) : 1
        if rule.probe == .none { return 1 }
        let powers = rule.terms.reduce(into: Set<Int>()) { $0.formUnion($1.sigmaPowers) }
        guard powers.count == 1, let k = powers.first else {
            throw NetworkError.unsupported("rule '\(rule.name)': its products divide by different powers of sigma (\(powers.sorted())); no single expected scale")
        }
        switch k {
        case 1: return rule.sigma * baselineShrink
        case 2: return baselineShrink
        default: return Foundation.pow(rule.sigma, Double(2 - k)) * baselineShrink
        }
    }

    /// Draws `samples` updates of `rule` for `network` on one batch and compares them with the exact
    /// gradient. The network's parameters are not changed. With `intrinsicStreams` the populations'
    /// own noise is on in every pass the rule makes (the bias a noisy device sees); the reference
    /// gradient is always the noiseless network's. With `precision` `.float32` the rule's updates are
    /// computed in the float32 mode (``PlasticityEngine/init(rule:network:probeStreams:intrinsicStreams:environments:precision:)``),
    /// against the same float64 gradient.
    public static func measure(rule: PlasticityRule, network: Network, input: Matrix, target: Matrix,
                               samples: Int, probeStreams: InstanceStreams,
                               intrinsicStreams: InstanceStreams? = nil,
                               precision: Precision = .float64) throws -> EstimatorStatistics {
        precondition(samples >= 2, "need at least 2 samples for a variance")
        if case .runningAverage = rule.modulator.baseline {
            throw NetworkError.unsupported("estimator checks need a stateless baseline (batch-mean, none or antithetic)")
        }
        let backprop = Backprop(loss: rule.loss)
        try backprop.computeGradients(network: network, input: input, target: target)
        let eta: Double
        if case .sgd(let rate) = rule.optimizer { eta = rate } else { eta = 1 }
        let scale = -eta * (try expectedScale(of: rule, batch: input.rows))
        let expected = flatten(backprop.gradients).map { $0 * scale }
        let layerRanges = ranges(of: backprop.gradients)
        let learner = try PlasticityEngine(rule: rule, network: network, probeStreams: probeStreams,
                                           intrinsicStreams: intrinsicStreams, precision: precision)
        var sum = [Double](repeating: 0, count: expected.count), sumSquares = sum
        var projections: [Double] = []
        let norm2 = expected.reduce(0) { $0 + $1 * $1 }
        for _ in 0..<samples {
            try learner.computeUpdate(input: input, target: target)
            let u = flatten(learner.updates)
            var dot = 0.0
            for i in u.indices {
                sum[i] += u[i]
                sumSquares[i] += u[i] * u[i]
                dot += u[i] * expected[i]
            }
            projections.append(dot / norm2)
        }
        let k = Double(samples)
        let mean = sum.map { $0 / k }
        let projectionMean = projections.reduce(0, +) / k
        let projectionVariance = projections.reduce(0) { $0 + ($1 - projectionMean) * ($1 - projectionMean) } / (k - 1)
        var varianceSum = 0.0
        for i in mean.indices { varianceSum += (sumSquares[i] - k * mean[i] * mean[i]) / (k - 1) }
        return EstimatorStatistics(
            samples: samples,
            cosine: cosine(mean, expected),
            relativeBias: projectionMean - 1,
            biasHalfWidth: 1.96 * (projectionVariance / k).squareRoot(),
            normalizedVariance: varianceSum / norm2,
            layerCosine: layerRanges.map { cosine(Array(mean[$0]), Array(expected[$0])) },
            expectedScale: scale / -eta)
    }

    static func flatten(_ parameters: [LayerParameters]) -> [Double] {
        parameters.flatMap { $0.weights.storage + $0.bias }
    }

    static func ranges(of parameters: [LayerParameters]) -> [Range<Int>] {
        var start = 0
        return parameters.map { p in
            defer { start += p.count }
            return start..<(start + p.count)
        }
    }

    static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in a.indices {
            dot += a[i] * b[i]
            na += a[i] * a[i]
            nb += b[i] * b[i]
        }
        return dot / (na.squareRoot() * nb.squareRoot())
    }
}
