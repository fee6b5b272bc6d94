/// The local term φ_ij of a three-factor rule: what synapse i → j computes from what it can see,
/// written as a sum of products (Lava's form, `dw = "u0 * t * y2"`).
///
///     φ_ij = Σ_p c_p · σ^(−k_p) · Π (factors of product p)
///
/// Every factor is one of the ``Factor`` vocabulary: a presynaptic or postsynaptic ``Signal`` of
/// neuron i or j in one instance, the probe's draw at the synapse (`eps`), or a constant. Nothing
/// downstream of neuron j is visible, except the output error on projections into the output.
///
/// Text form (``init(parsing:)``; the inverse is ``description``):
///
///     term    := product (('+' | '-') product)*
///     product := factor (('*' | '/') factor)*      (only numbers, sigma and instance factors may divide)
///     factor  := NUMBER | 'sigma' ['^' INT] | NAME | 'abs(' NAME ')'
///
/// | name | side | value |
/// |---|---|---|
/// | `pre`, `post` | i, j | rate of the pass the rule learns from (the probed pass) |
/// | `pre_clean`, `post_clean` | i, j | rate of the clean pass (no probe) |
/// | `pre_deriv`, `post_deriv` | i, j | g = φ′ at the probed pass (`_clean`: at the clean pass) |
/// | `pre_noise`, `post_noise` | i, j | the noise the probe added at the neuron (σξ) |
/// | `pre_diff`, `post_diff` | i, j | probed rate − clean rate |
/// | `pre_drive`, `post_drive` | i, j | drive z (pre-activation) of the probed pass (`_clean`, `_diff` as for rates) |
/// | `pre_fired`, `post_fired` | i, j | 1 if the probed rate is above 0, else 0 |
/// | `post_error` | j | output − target (projections into the output population only) |
/// | `pre_logp_grad`, `post_logp_grad` | i, j | ∂ log π(a)/∂z by backprop — not local: the REINFORCE reference (environments, probe `none`) |
/// | `eps` | ij | the synaptic probe's draw ε_ij (N(0, σ²) or ±σ) |
/// | `sigma` | — | the probe's scale σ |
/// | `n_post` | — | the postsynaptic population's size (seed 004's fan-out scaling) |
/// | `NAME[pre_history][post_history]` | ij | entry of the rule's table NAME at the two neurons' firing histories (seed 002's RNN rule r) |
/// | `NAME[pre_history][post_role]` | ij | entry of table NAME at the presynaptic history and the output node's role: 0 = true label, 1 = prediction (seed 002's output rule r_o, A.4; k-cap networks only) |
/// | `dlogp` | instance | log π_probed(a) − log π_clean(a) of the action taken (environments) |
/// | `noise_sq` | instance | ‖ξ‖², the probe's noise squared summed over every neuron (may divide) |
///
/// The input layer is read as linear neurons without noise; a bias is a synapse from a unit whose
/// rate and drive are always 1 (its `deriv`, `noise` and differences are 0, `fired` is 1).
public struct LocalTerm: Sendable, Equatable, CustomStringConvertible {
    public var products: [Product]

    public init(_ products: [Product]) { self.products = products }

    /// One product c · σ^(−k) · Π factors.
    public struct Product: Sendable, Equatable {
        /// c, the numeric coefficient (signs included).
        public var coefficient: Double
        /// k: the product is divided by σ^k.
        public var sigmaPower: Int
        /// The factors, in the order they are multiplied.
        public var factors: [Factor] { didSet { sort() } }

        /// Presynaptic factors, in order.
        public private(set) var pre: [NeuronFactor] = []
        /// Postsynaptic factors, in order.
        public private(set) var post: [NeuronFactor] = []
        /// Per-instance factors, in order.
        public private(set) var instance: [InstanceFactor] = []
        /// How many times the synaptic probe's draw ε appears.
        public private(set) var noiseCount = 0
        /// The tables the product looks up, in order.
        public private(set) var tables: [String] = []
        /// Whether the product is multiplied by the postsynaptic population's size (`n_post`).
        public private(set) var scalesWithPostCount = false

        public init(coefficient: Double = 1, sigmaPower: Int = 0, factors: [Factor]) {
            self.coefficient = coefficient
            self.sigmaPower = sigmaPower
            self.factors = factors
            sort()
        }

        /// Whether the product holds the synaptic probe's draw.
        public var usesSynapticNoise: Bool { noiseCount > 0 }
        /// Whether a factor is the policy gradient of the REINFORCE reference (`logp_grad`).
        public var readsPolicyGradient: Bool {
            pre.contains { $0.signal == .logProbabilityGradient } || post.contains { $0.signal == .logProbabilityGradient }
        }

        /// Sorts the factors by what they belong to (kept with the product, read by every step).
        private mutating func sort() {
            pre = []; post = []; instance = []; noiseCount = 0; tables = []; scalesWithPostCount = false
            for factor in factors {
                switch factor {
                case .pre(let f): pre.append(f)
                case .post(let f): post.append(f)
                case .instance(let s, let d): instance.append(InstanceFactor(signal: s, divides: d))
                case .synapticNoise: noiseCount += 1
                case .postCount: scalesWithPostCount = true
                case .table(let name, _): tables.append(name)
                }
            }
        }
    }

    /// An instance factor and whether it divides.
    public struct InstanceFactor: Sendable, Equatable {
        public var signal: InstanceSignal
        public var divides: Bool

        public init(signal: InstanceSignal, divides: Bool) {
            self.signal = signal
            self.divides = divides
        }
    }

    /// One factor of a product.
    public enum Factor: Sendable, Equatable {
        case pre(NeuronFactor)
        case post(NeuronFactor)
        /// ε_ij, the synaptic probe's draw.
        case synapticNoise
        /// A value shared by every synapse of one instance at one step, multiplied or divided.
        case instance(InstanceSignal, divides: Bool)
        /// n_post, the number of neurons of the postsynaptic population (a constant per projection).
        case postCount
        /// r[s_i][s_j]: the entry of the rule's table of this name at the firing histories of the
        /// presynaptic and postsynaptic neurons (seed 002's plasticity rules); text `NAME[pre_history][post_history]`.
        /// With ``TableColumn/postRole`` the column is the output node's role instead (r_o[s_i][role],
        /// text `NAME[pre_history][post_role]`).
        case table(String, TableColumn = .postHistory)
    }

    /// What indexes the columns of a table lookup; the rows are always the presynaptic history.
    public enum TableColumn: String, Sendable, Equatable, CaseIterable {
        /// The postsynaptic neuron's firing history (2^T columns).
        case postHistory = "post_history"
        /// The output node's role in the example (2 columns): 0 the true label's node, 1 the
        /// predicted (or, with all-edges, any other) node — seed 002, App. A.4.
        case postRole = "post_role"
    }

    /// What every synapse of an instance sees alike at a step (not reward: that is the modulator's).
    public enum InstanceSignal: String, Sendable, Equatable, CaseIterable {
        /// log π_probed(a) − log π_clean(a): how much the probe made the action taken likelier
        /// (seed 004's NRL); on environments with a softmax policy.
        case logProbabilityDifference = "dlogp"
        /// Σ over every neuron of the probe's noise squared, ‖ξ‖² (σ² × neurons on average).
        case noiseSquaredNorm = "noise_sq"
    }

    /// A neuron's signal, optionally through |·|.
    public struct NeuronFactor: Sendable, Equatable {
        public var signal: Signal
        public var absolute: Bool

        public init(_ signal: Signal, absolute: Bool = false) {
            self.signal = signal
            self.absolute = absolute
        }
    }

    /// What a synapse can see of one of its two neurons, in one instance.
    public enum Signal: String, Sendable, Equatable, CaseIterable {
        case rate = ""
        case cleanRate = "_clean"
        case derivative = "_deriv"
        case cleanDerivative = "_deriv_clean"
        case noise = "_noise"
        case difference = "_diff"
        /// The drive z = Σ_i w_ij x_i + b_j (pre-activation, including noise added there).
        case drive = "_drive"
        case cleanDrive = "_drive_clean"
        case driveDifference = "_drive_diff"
        case fired = "_fired"
        /// output − target; postsynaptic side of projections into the output only.
        case error = "_error"
        /// ∂ log π(a)/∂z of the action taken, by backpropagation: **not local** — the REINFORCE
        /// reference on environments (probe `none`).
        case logProbabilityGradient = "_logp_grad"

        /// Whether evaluating it needs a clean (probe-free) pass.
        public var needsCleanPass: Bool {
            [.cleanRate, .cleanDerivative, .difference, .cleanDrive, .driveDifference].contains(self)
        }
    }

    /// Every factor name the text form accepts.
    public static var vocabulary: [String] {
        var names: [String] = []
        for side in ["pre", "post"] {
            for s in Signal.allCases where !(side == "pre" && s == .error) { names.append(side + s.rawValue) }
        }
        return names + ["eps", "sigma", "n_post", "NAME[pre_history][post_history]", "NAME[pre_history][post_role]"] + InstanceSignal.allCases.map(\.rawValue)
    }

    /// Whether any product reads a clean-pass signal.
    public var needsCleanPass: Bool {
        products.contains { p in p.pre.contains { $0.signal.needsCleanPass } || p.post.contains { $0.signal.needsCleanPass } }
    }

    /// The distinct powers of σ the products divide by.
    public var sigmaPowers: Set<Int> { Set(products.map(\.sigmaPower)) }

    public var description: String {
        var text = ""
        for (n, p) in products.enumerated() {
            var parts: [String] = []
            let magnitude = abs(p.coefficient)
            if magnitude != 1 || p.factors.isEmpty { parts.append(Self.format(magnitude)) }
            parts += p.factors.filter { if case .instance(_, true) = $0 { return false } else { return true } }.map(Self.name)
            var product = parts.joined(separator: " * ")
            for case .instance(let s, true) in p.factors { product += " / \(s.rawValue)" }
            if p.sigmaPower == 1 { product += " / sigma" } else if p.sigmaPower > 1 { product += " / sigma^\(p.sigmaPower)" }
            if p.sigmaPower < 0 { product += " * sigma^\(-p.sigmaPower)" }
            let negative = p.coefficient < 0
            text += n == 0 ? (negative ? "-" : "") + product : (negative ? " - " : " + ") + product
        }
        return text
    }

    static func name(_ factor: Factor) -> String {
        switch factor {
        case .synapticNoise: return "eps"
        case .postCount: return "n_post"
        case .table(let name, let column): return "\(name)[pre_history][\(column.rawValue)]"
        case .instance(let s, _): return s.rawValue
        case .pre(let f): return name("pre", f)
        case .post(let f): return name("post", f)
        }
    }

    private static func name(_ side: String, _ f: NeuronFactor) -> String {
        f.absolute ? "abs(\(side + f.signal.rawValue))" : side + f.signal.rawValue
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}
