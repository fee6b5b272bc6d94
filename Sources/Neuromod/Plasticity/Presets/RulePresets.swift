/// Every preset rule a spec can name (`rule: NAME`), one line each: adding a preset is one file in
/// `Presets/` and one line here.
public enum RulePresets {
    /// What a spec gives a preset.
    public struct Parameters: Sendable {
        public var learningRate: Double
        public var sigma: Double
        public var baseline: Modulation.Baseline
        public var loss: Loss
        /// The preset's reading, for presets that have several (nil: its default).
        public var variant: String?
        /// The synaptic probe's distribution, for presets that offer a choice (``Entry/choosesDistribution``).
        public var distribution: SynapticNoise.Distribution

        /// The parameters of a preset.
        ///
        /// - Parameters:
        ///   - learningRate: η.
        ///   - sigma: σ, the probe's scale.
        ///   - baseline: R̄ (ignored by presets that fix it).
        ///   - loss: L.
        ///   - variant: the preset's reading (nil: its default).
        ///   - distribution: the synaptic probe's ε (used by presets that choose it; Gaussian by default).
        public init(learningRate: Double, sigma: Double, baseline: Modulation.Baseline = .batchMean,
                    loss: Loss = .meanSquaredError, variant: String? = nil,
                    distribution: SynapticNoise.Distribution = .gaussian) {
            self.learningRate = learningRate
            self.sigma = sigma
            self.baseline = baseline
            self.loss = loss
            self.variant = variant
            self.distribution = distribution
        }
    }

    public struct Entry: Sendable {
        public var name: String
        /// The readings `variant` may name (empty: the preset has one).
        public var variants: [String]
        /// Whether the spec may choose the baseline (false: the preset fixes it).
        public var choosesBaseline: Bool
        /// Whether the spec may choose the synaptic probe's distribution (`distribution:`).
        public var choosesDistribution = false
        public var make: @Sendable (Parameters) -> PlasticityRule
    }

    public static let all: [Entry] = [
        Entry(name: "weight-perturbation", variants: [], choosesBaseline: true, choosesDistribution: true) {
            .weightPerturbation(learningRate: $0.learningRate, sigma: $0.sigma, baseline: $0.baseline, loss: $0.loss,
                                distribution: $0.distribution) },
        Entry(name: "three-factor-wp", variants: HebbianVariant.allCases.map(\.rawValue), choosesBaseline: true,
              choosesDistribution: true) {
            .threeFactorWeightPerturbation($0.variant.flatMap(HebbianVariant.init(rawValue:)) ?? .outputUnit,
                                           learningRate: $0.learningRate, sigma: $0.sigma, baseline: $0.baseline, loss: $0.loss,
                                           distribution: $0.distribution) },
        Entry(name: "three-factor-np", variants: [], choosesBaseline: true) {
            .nodePerturbation(learningRate: $0.learningRate, sigma: $0.sigma, baseline: $0.baseline, loss: $0.loss) },
        Entry(name: "spsa", variants: [], choosesBaseline: false) {
            .antitheticSPSA(learningRate: $0.learningRate, step: $0.sigma, loss: $0.loss) },
        Entry(name: "evolution-strategies", variants: [], choosesBaseline: true) {
            .evolutionStrategies(learningRate: $0.learningRate, sigma: $0.sigma, baseline: $0.baseline, loss: $0.loss) },
        Entry(name: "activity-difference-np", variants: [], choosesBaseline: true) {
            .activityDifferenceNodePerturbation(learningRate: $0.learningRate, sigma: $0.sigma, baseline: $0.baseline, loss: $0.loss) },
    ]

    /// The preset called `name`, if any.
    public static func named(_ name: String) -> Entry? { all.first { $0.name == name } }
}
