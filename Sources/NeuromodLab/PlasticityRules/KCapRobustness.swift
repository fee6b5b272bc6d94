import Foundation
import Neuromod
import NeuromodTasks

/// The robustness evaluation of a plasticity-rules study (`kcap.robustness`; seed 002 §4, Fig. 5,
/// A.3): after training, every method's network is attacked on `images` random test images of
/// each image dataset (the same images for every method of a run), each with the targeted ℓ2
/// attacks of ``TargetedAttack`` toward all other classes, at every ε of `epsilons`. The robust
/// accuracy is the share of the images classified correctly whose attacks all fail.
///
/// ```yaml
/// kcap:
///   robustness:
///     images: 100
///     epsilons: [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]
///     attacks:
///       - {name: l2, step_kind: l2-normalized, steps: 50, step_size: 0.1, loss: ce-logits}
///       - {name: spsa, kind: spsa, samples: 32, delta: 0.01, steps: 50, step_size: 0.1}
///       - {name: from T=1, kind: transfer, source: T=1}
/// ```
///
/// Attack kinds: `gradient` (the straight-through gradient of the attacked net), `spsa` (a
/// gradient-free SPSA estimate from its forward passes, ``SPSAGradient``) and `transfer` (the
/// straight-through gradient of another method's network of the same dataset and run, success read
/// on the attacked net at every iterate).
public struct KCapRobustness: Sendable, Equatable {
    /// A named ``TargetedAttack``.
    public struct Attack: Sendable, Equatable {
        public var name: String
        public var attack: TargetedAttack
        /// A transfer attack's source: the method whose trained network (same dataset and run) the
        /// steps are crafted on; nil: the attacked network itself.
        public var source: KCapMethod? = nil
    }

    public var images: Int
    public var epsilons: [Double]
    public var attacks: [Attack]

    static let fields = SpecField("robustness", "optional: attack every trained network (seed 002 §4, Fig. 5, A.3); image datasets only", [
        SpecField("images", "optional: test images attacked per dataset and run, drawn by the seed (the same for every method); default 100"),
        SpecField("epsilons", "required: ℓ2 radii ε ≥ 0 of the allowed perturbations, e.g. [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]"),
        SpecField("attacks", "required: one or more targeted attacks x ← Π(x − α step(∇ₓL(x, y′))), each toward every class y′ ≠ y", [
            SpecField("name", "required: unique, shown in tables and files"),
            SpecField("kind", "optional: where ∇ comes from: `gradient` (straight through the cap, the default), `spsa` (gradient-free: SPSA's estimate from the loss at x ± δv, v Rademacher; Uesato et al. 2018) or `transfer` (the gradient of another method's network, `source`)"),
            SpecField("steps", "optional: gradient steps per (image, target) pair, default 50"),
            SpecField("step_size", "optional, > 0: α, ℓ2 length of a step (`l2-normalized`) or the gradient's factor (`raw-gradient`); default 0.1 (`spsa`: \(Self.spsaStepSize))"),
            SpecField("step_kind", "optional: `l2-normalized` (α ∇/‖∇‖₂, the default), `raw-gradient` (α ∇, the text literally) or `l2-box` (∇ without the pixels the box [0, 1] blocks, normalized)"),
            SpecField("loss", "optional: `ce-logits` (cross-entropy of softmax(U h), the default) or `ce-double-softmax` (of softmax(softmax(U h)), the code's)"),
            SpecField("success", "optional: an attack succeeds when the prediction is `misclassified` (≠ y, the default) or the `target` (= y′)"),
            SpecField("samples", "spsa, optional: S ≥ 1 Rademacher directions averaged per step (2S forward passes per pair and step), default \(Self.spsaDefault.samples)"),
            SpecField("delta", "spsa, optional, > 0: δ, each pixel's probe ±δ (ℓ2 length δ√d), default \(Self.spsaDefault.delta)"),
            SpecField("source", "transfer, required: the method (same study, dataset and run) whose network the steps are crafted on; success is read on the attacked network"),
        ], list: true),
    ])

    static func parse(_ node: SpecNode) throws -> KCapRobustness {
        let f = try node.fields(allowed: fields.children.map(\.name))
        let epsilonsNode = try f.required("epsilons", in: node)
        let epsilons = try epsilonsNode.elements().map { e in
            let value = try e.double()
            guard value >= 0, value.isFinite else { throw e.error("expected a radius ε ≥ 0, got \(value)") }
            return value
        }
        guard !epsilons.isEmpty else { throw epsilonsNode.error("at least one ε is required") }
        guard Set(epsilons).count == epsilons.count else { throw epsilonsNode.error("every ε must be listed once") }
        let attacksNode = try f.required("attacks", in: node)
        let attacks = try attacksNode.elements().map { try parseAttack($0).0 }
        guard !attacks.isEmpty else { throw attacksNode.error("at least one attack is required") }
        try attacksNode.requireUniqueNames(attacks.map(\.name), of: "attack")
        return KCapRobustness(images: try f["images"]?.positiveInt() ?? 100, epsilons: epsilons, attacks: attacks)
    }

    /// SPSA's samples and δ when the spec gives none (docs/plasticity-rules.md, "Gradient-free and
    /// transfer attacks": chosen by measurement).
    static let spsaDefault = SPSAGradient(samples: 16, delta: 0.01)
    /// SPSA's step size when the spec gives none (measured as ``spsaDefault``): α = 0.1 leaves a noisy
    /// estimate too short (its component along ∇ is ≈ α √(S/d) per step), 0.25 breaks what the gradient breaks.
    static let spsaStepSize = 0.25

    /// The attack kinds of `kind`.
    enum Kind: String, CaseIterable { case gradient, spsa, transfer }

    /// A transfer attack's source is resolved by ``resolveSources(_:methods:)`` once the methods are read.
    private static func parseAttack(_ node: SpecNode) throws -> (Attack, sourceName: SpecNode?) {
        let all = try node.fields(allowed: fields.children.first { $0.name == "attacks" }!.children.map(\.name))
        let kind: Kind = try choice(all["kind"], default: .gradient)
        let own = switch kind {
        case .gradient: [String]()
        case .spsa: ["samples", "delta"]
        case .transfer: ["source"]
        }
        let f = try node.fields(allowed: ["name", "kind", "steps", "step_size", "step_kind", "loss", "success"] + own)
        var estimator = TargetedAttack.Estimator.straightThrough
        if kind == .spsa {
            estimator = .spsa(SPSAGradient(samples: try f["samples"]?.positiveInt() ?? spsaDefault.samples,
                                           delta: try f["delta"]?.positiveDouble() ?? spsaDefault.delta))
        }
        let attack = TargetedAttack(steps: try f["steps"]?.positiveInt() ?? 50,
                                    stepSize: try f["step_size"]?.positiveDouble() ?? (kind == .spsa ? spsaStepSize : 0.1),
                                    stepKind: try choice(f["step_kind"], default: .l2Normalized), success: try choice(f["success"], default: .misclassified),
                                    loss: try choice(f["loss"], default: .ceLogits), estimator: estimator)
        let name = try f.required("name", in: node).string()
        let source = kind == .transfer ? try f.required("source", in: node, "(a method name)") : nil
        return (Attack(name: name, attack: attack), source)
    }

    /// The transfer attacks' sources, read from `node` (the `robustness` block) and looked up among `methods`.
    static func resolveSources(_ robustness: inout KCapRobustness, node: SpecNode, methods: [KCapMethod]) throws {
        let list = try node.fields(allowed: fields.children.map(\.name))["attacks"]!.elements()
        for (a, element) in list.enumerated() {
            guard let sourceNode = try parseAttack(element).sourceName else { continue }
            let name = try sourceNode.string()
            guard let method = methods.first(where: { $0.name == name }) else {
                throw sourceNode.error("unknown method '\(name)'; the study's methods are \(methods.map { "'\($0.name)'" }.joined(separator: ", "))")
            }
            robustness.attacks[a].source = method
        }
    }

    /// The methods the transfer attacks craft on, each once, in the order they are named.
    var sources: [KCapMethod] {
        attacks.compactMap(\.source).reduce(into: []) { all, m in if !all.contains(where: { $0.name == m.name }) { all.append(m) } }
    }

    /// The robust accuracy of `network` at every (attack, ε) on `images` random rows of `test`,
    /// drawn from `rng` (a permutation's first rows, in file order), for the attacks whose index
    /// `only` accepts.
    /// - Parameters:
    ///   - sources: a transfer attack's source network, by method name (every source of `only`'s attacks).
    ///   - directions: the SPSA stream of (attack index, ε index).
    func evaluate(_ network: KCapNetwork, test: ClassificationSet, rng: RandomGenerator, only: (Int) -> Bool = { _ in true },
                  sources: [String: KCapNetwork] = [:], directions: (_ attack: Int, _ epsilon: Int) throws -> RandomGenerator,
                  point: (_ attack: String, _ epsilon: Double, _ accuracy: Double, _ seconds: Double) -> Void) throws {
        let rows = rng.permutation(test.count).prefix(min(images, test.count)).sorted()
        let inputs = test.inputs.gatherRows(rows), labels = rows.map { test.labels[$0] }
        for (k, a) in attacks.enumerated() where only(k) {
            let source = a.source.map { sources[$0.name]! }
            for (e, epsilon) in epsilons.enumerated() {
                let started = Date()
                var stream: RandomGenerator?
                if case .spsa = a.attack.estimator { stream = try directions(k, e) }
                let accuracy = a.attack.robustAccuracy(network, images: inputs, labels: labels, epsilons: [epsilon], source: source, directions: stream)[0]
                point(a.name, epsilon, accuracy, Date().timeIntervalSince(started))
            }
        }
    }
}

/// One method's robust accuracy on one dataset in one run, under one attack at one ε.
public struct KCapRobustPoint: Sendable, Codable, Equatable {
    public var dataset: String
    public var method: String
    public var run: Int
    public var attack: String
    public var epsilon: Double
    public var robustAccuracy: Double
    public var seconds: Double
}

/// A method's robust accuracy on a dataset under one attack at one ε, in every run.
public struct KCapRobustSummary: Sendable, Codable, Equatable {
    public var dataset: String
    public var method: String
    public var attack: String
    public var epsilon: Double
    public var robustAccuracy: [Double]
    public var meanRobustAccuracy: Double

    /// The points of `points` grouped by (dataset, method, attack, ε), in first-seen order.
    static func group(_ points: [KCapRobustPoint]) -> [KCapRobustSummary] {
        var order: [String] = [], groups: [String: [KCapRobustPoint]] = [:]
        for p in points {
            let key = "\(p.dataset)\u{1}\(p.method)\u{1}\(p.attack)\u{1}\(p.epsilon)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(p)
        }
        return order.map { key in
            let g = groups[key]!, values = g.sorted { $0.run < $1.run }.map(\.robustAccuracy)
            return KCapRobustSummary(dataset: g[0].dataset, method: g[0].method, attack: g[0].attack, epsilon: g[0].epsilon,
                                     robustAccuracy: values, meanRobustAccuracy: values.reduce(0, +) / Double(values.count))
        }
    }
}
