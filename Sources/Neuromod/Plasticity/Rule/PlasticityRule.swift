/// A local learning rule declared as one three-factor process (ARCHITECTURE.md, "the one idea"):
///
///     Δw_ij = η · (1/B) Σ_n M⁽ⁿ⁾ · e_ij⁽ⁿ⁾,      e_ij = K * φ_ij
///
/// - ``probe``: where the rule's own noise enters (every synapse, every neuron, the network's
///   intrinsic noise, or nowhere) and at what scale σ;
/// - ``local``: the local term φ_ij per projection (``LocalTerm``; the first selector that matches a
///   projection gives its term);
/// - ``trace``: the eligibility kernel K (``TraceKernel``);
/// - ``modulator``: the broadcast factor M — reward, baseline, normalization, gate (``Modulation``);
/// - ``update`` and ``optimizer``: additive or multiplicative change, through SGD, SignSGD or Adam.
///
/// A rule is data: ``PlasticityEngine`` runs any rule on any network where its parts make sense,
/// and refuses, in one line, a part the site cannot see. The presets in `Presets/` are
/// declarations of this type; a spec may declare its own (README, "Declared rules").
public struct PlasticityRule: Sendable, Equatable {
    /// The name used in result files (e.g. `three-factor-wp(output-unit)`, or `declared`).
    public var name: String
    public var probe: Probe
    /// The local term per projection: the first entry whose selector matches applies.
    public var local: [SelectedTerm]
    public var trace: TraceKernel
    public var modulator: Modulation
    public var update: UpdateForm
    public var optimizer: Optimizer
    public var loss: Loss
    /// Which pass an environment's action is drawn from (environments only).
    public var acting: ActingPass
    /// Whether biases learn (seed 004's policies keep them at their initial value).
    public var plasticBiases: Bool
    /// How a minibatch's instances combine: U = (1/B) Σ_n (mean) or Σ_n (sum, seed 003's readout rules).
    public var reduction: BatchReduction
    /// A neuron fired when its rate is above this (`fired` factors).
    public var firingThreshold: Double
    /// Tables the local term looks up by name (`NAME[pre_history][post_history]`).
    public var tables: [String: RuleTable]
    /// Forward-pass equivalents per instance and update (for loss-against-compute curves); nil:
    /// counted from the probe (``defaultForwardPassEquivalents``).
    public var compute: Double?

    public init(name: String, probe: Probe, local: [SelectedTerm], trace: TraceKernel = .immediate,
                modulator: Modulation = Modulation(), update: UpdateForm = .additive, optimizer: Optimizer,
                loss: Loss = .meanSquaredError, acting: ActingPass = .probed, plasticBiases: Bool = true,
                reduction: BatchReduction = .mean, firingThreshold: Double = 0, tables: [String: RuleTable] = [:],
                compute: Double? = nil) {
        self.name = name
        self.probe = probe
        self.local = local
        self.trace = trace
        self.modulator = modulator
        self.update = update
        self.optimizer = optimizer
        self.loss = loss
        self.acting = acting
        self.plasticBiases = plasticBiases
        self.reduction = reduction
        self.firingThreshold = firingThreshold
        self.tables = tables
        self.compute = compute
    }

    /// η of SGD, or the step of SignSGD, or Adam's rate.
    public var learningRate: Double {
        get { optimizer.rate }
        set { optimizer.rate = newValue }
    }

    /// σ, the probe's scale (0 without a probe).
    public var sigma: Double {
        get { probe.sigma }
        set { probe.sigma = newValue }
    }

    /// The term of the first selector that matches a projection into `target` (nil: no term, the
    /// projection is not plastic under this rule).
    public func term(intoOutput: Bool, activation: Activation) -> LocalTerm? {
        local.first { $0.selector.matches(intoOutput: intoOutput, activation: activation) }?.term
    }

    /// Checks, before any network is built, that every part of the rule can run on a feedforward
    /// network of `populations` (after the input), with the populations' intrinsic noise drawn or
    /// not, on minibatches of a task or (`environment`) on environments.
    /// - Throws: ``NetworkError/unsupported(_:)``: one line naming the projection, the factor and
    ///   what is allowed.
    public func validate(populations: [Population], intrinsicNoise: Bool, environment: Bool = false) throws {
        _ = try RuleValidation.terms(of: self, on: populations, intrinsic: intrinsicNoise, environment: environment)
    }

    /// Every term the rule declares.
    public var terms: [LocalTerm] { local.map(\.term) }

    /// Forward-pass equivalents by the thesis's counts (§3): a synaptic probe 1.5 per probed pass
    /// (1.75 when a term also reads pre- and postsynaptic rates, 3F-WP), a neuron probe 1.6, no
    /// probe 1; an antithetic pair counts twice.
    public var defaultForwardPassEquivalents: Double {
        switch probe {
        case .none: return 1
        case .nodes, .intrinsic: return 1.6
        case .synapses(_, _, let antithetic):
            let hebbian = terms.contains { t in t.products.contains { !$0.pre.isEmpty && !$0.post.isEmpty } }
            return (hebbian ? 1.75 : 1.5) * (antithetic ? 2 : 1)
        }
    }

    /// ``compute`` if declared, else ``defaultForwardPassEquivalents``.
    public var forwardPassEquivalents: Double { compute ?? defaultForwardPassEquivalents }
}

/// A local term and the projections it applies to.
public struct SelectedTerm: Sendable, Equatable {
    public var selector: TermSelector
    public var term: LocalTerm

    public init(_ selector: TermSelector, _ term: LocalTerm) {
        self.selector = selector
        self.term = term
    }
}

/// Where a rule's own noise enters, drawn per instance from the rule's probe streams.
public enum Probe: Sendable, Equatable {
    /// No noise of the rule's own; the rule learns from the network's pass as it is.
    case none
    /// Every weight and bias perturbed per instance by ε (Gaussian N(0, σ²) or Rademacher ±σ),
    /// in one pass, or in an antithetic pair of passes (+ε, then −ε).
    case synapses(SynapticNoise.Distribution, sigma: Double, antithetic: Bool)
    /// σξ, ξ ~ N(0, 1), added to every neuron after a clean pass: to its rate after the transfer
    /// function (`output`, thesis Algorithm 3) or to its pre-activation (Dalm et al. 2023).
    case nodes(sigma: Double, site: NoiseSite)
    /// The populations' own intrinsic noise: a clean pass without it, then the noisy pass with it
    /// (seed 004's NRL); σ is what the rule divides by.
    case intrinsic(sigma: Double)

    public var sigma: Double {
        get {
            switch self {
            case .none: return 0
            case .synapses(_, let s, _), .nodes(let s, _), .intrinsic(let s): return s
            }
        }
        set {
            switch self {
            case .none: break
            case .synapses(let d, _, let a): self = .synapses(d, sigma: newValue, antithetic: a)
            case .nodes(_, let site): self = .nodes(sigma: newValue, site: site)
            case .intrinsic: self = .intrinsic(sigma: newValue)
            }
        }
    }
}

/// Which projections a local term applies to.
public enum TermSelector: Sendable, Equatable {
    case all
    /// Projections into the network's output population.
    case output
    /// Projections into any other population.
    case hidden
    /// Projections into populations with this transfer function.
    case activation(Activation)

    func matches(intoOutput: Bool, activation: Activation) -> Bool {
        switch self {
        case .all: return true
        case .output: return intoOutput
        case .hidden: return !intoOutput
        case .activation(let a): return a == activation
        }
    }
}

/// A plasticity rule as a table (seed 002): the change of a synapse is r[s_i][s_j], indexed by the
/// firing histories of its two neurons over the T rounds of an example (s = Σ_t 2^(T−1−t)·fired_t),
/// so the table is 2^T × 2^T. Every entry enters the update linearly (the update is differentiable
/// in them, for meta-learning). A feedforward network fires once per example: T = 1, the table is
/// r[pre fired][post fired].
public struct RuleTable: Sendable, Equatable {
    /// Rows: presynaptic history; columns: postsynaptic history.
    public var entries: [[Double]]

    public init(_ entries: [[Double]]) { self.entries = entries }

    /// T, the rounds of the histories (entries is 2^T × 2^T).
    public var rounds: Int { entries.count.trailingZeroBitCount }
}

/// How the instances of a minibatch combine into one update.
public enum BatchReduction: String, Sendable, Equatable, CaseIterable {
    case mean
    case sum
}

/// The pass whose softmax output an environment's action is sampled from.
public enum ActingPass: String, Sendable, Equatable, CaseIterable {
    /// The pass without the probe (seed 004's NRL acts on the clean policy).
    case clean
    /// The probed pass (reward-modulated Hebbian learning acts with its noise).
    case probed
}

/// How an update changes a weight.
public enum UpdateForm: String, Sendable, Equatable, CaseIterable {
    /// w ← w + Δw.
    case additive
    /// w ← w · (1 + Δw) (seed 002's multiplicative rules, the authors' code: `one-plus-eta`).
    case multiplicative
    /// w ← w · φ: the local term is the factor itself, η unused (seed 002's Table 1 MW entries are
    /// factors). Runs on k-cap networks and single table neurons (``KCapEngine``, ``TableRuleNeuron``).
    case factor

    /// The new weight after a change of `delta` = η·φ (`factor` reads φ = `delta`/η; pass `term`).
    @inline(__always)
    public func apply(_ w: Double, rate: Double, term: Double) -> Double {
        switch self {
        case .additive: return w + rate * term
        case .multiplicative: return w * (1 + rate * term)
        case .factor: return w * term
        }
    }
}

/// How the summed three-factor product U = (1/B) Σ_n M⁽ⁿ⁾ e⁽ⁿ⁾ becomes a weight change.
public enum Optimizer: Sendable, Equatable {
    /// Δw = η U.
    case sgd(learningRate: Double)
    /// Δw = ε′ · sign(U) (seed 003, eq. 5, with U the negative gradient estimate).
    case signSGD(rate: Double)
    /// Adam (Kingma & Ba 2015) on the gradient estimate −U.
    case adam(AdamSettings)

    public var rate: Double {
        get {
            switch self {
            case .sgd(let r), .signSGD(let r): return r
            case .adam(let a): return a.rate
            }
        }
        set {
            switch self {
            case .sgd: self = .sgd(learningRate: newValue)
            case .signSGD: self = .signSGD(rate: newValue)
            case .adam(var a): a.rate = newValue; self = .adam(a)
            }
        }
    }
}
