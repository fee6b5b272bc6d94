/// **The targeted multi-step ℓ2 attack of seed 002** (§4, A.3; Madry et al. 2018's projected
/// steps, Rozsa et al. 2016's gradient direction): for an image x₀ of label y and each target
/// y′ ≠ y,
///
///     x_{s+1} = Π(x_s − α · step(∇ₓ L(x_s, y′))),   s = 0 … steps − 1,   x_0 = x₀
///
/// Π projects onto the ℓ2 ball of radius ε around x₀, then clips every pixel to [0, 1]. Clipping
/// moves each coordinate toward x₀'s (which lies in [0, 1]), so the result stays in the ball: both
/// constraints hold exactly (``project(_:around:epsilon:)``). This is the usual PGD projection, not
/// the Euclidean projection onto the intersection.
///
/// | parameter | default | meaning |
/// |---|---|---|
/// | `steps` | 50 | gradient steps per (image, target) pair (the seed states none) |
/// | `stepSize` α | 0.1 | pixels (ℓ2) per step for `l2-normalized`; the gradient's factor for `raw-gradient` |
/// | `stepKind` | `l2-normalized` | step = ∇/‖∇‖₂, or `raw-gradient`: step = ∇ (the text, literally), or `l2-box`: ∇ on the pixels the box lets move, normalized |
/// | `success` | `misclassified` | a pair succeeds when the prediction ≠ y, or `target`: = y′ |
/// | `loss` | `ce-logits` | ``KCapLoss`` (variant 5) |
/// | `estimator` | `straightThrough` | ∇ from ``KCapNetwork/inputGradient(inputs:targets:loss:)``, or ``Estimator/spsa(_:)``: the gradient-free ``SPSAGradient`` |
///
/// An image is **robust** when it is classified correctly and none of its targeted attacks succeeds
/// at any iterate x_0 … x_steps (each iterate is a valid perturbation); a pair stops at its first
/// success, and an image's other pairs stop with it. The gradient passes the cap straight through
/// (``KCapNetwork/inputGradient(inputs:targets:loss:)``) unless the estimator is SPSA. Every step
/// runs all pairs still going as one batch (B × inputs through BLAS).
///
/// **Transfer**: with a `source` network, the steps follow the source's gradient (crafted on it)
/// while success is read on the attacked network at every iterate; with source = the attacked
/// network it is the plain attack (test `KCapSPSATests.transferFromItselfIsTheGradientAttack`).
public struct TargetedAttack: Sendable, Equatable {
    public enum StepKind: String, Sendable, Equatable, CaseIterable {
        case l2Normalized = "l2-normalized"
        case rawGradient = "raw-gradient"
        /// ∇ without the pixels the box blocks (at 0 with ∇ > 0, at 1 with ∇ < 0), then normalized:
        /// every step moves α in ℓ2 before the ball's projection.
        case l2Box = "l2-box"
    }
    public enum Success: String, Sendable, Equatable, CaseIterable { case misclassified, target }
    /// Where a step's ∇ comes from.
    public enum Estimator: Sendable, Equatable {
        /// The exact gradient with every cap selection held fixed (``KCapNetwork/inputGradient(inputs:targets:loss:)``).
        case straightThrough
        /// The gradient-free estimate from forward passes (``SPSAGradient``); needs a directions stream.
        case spsa(SPSAGradient)
    }

    public var steps: Int
    public var stepSize: Double
    public var stepKind: StepKind
    public var success: Success
    public var loss: KCapLoss
    public var estimator: Estimator

    /// - Parameters:
    ///   - steps: steps per (image, target) pair, ≥ 0.
    ///   - stepSize: α > 0 (ℓ2 pixels per step, or the raw gradient's factor).
    ///   - stepKind: how ∇ becomes a step.
    ///   - success: when a pair succeeds.
    ///   - loss: the loss descended toward y′.
    ///   - estimator: where ∇ comes from (default: straight through the cap).
    public init(steps: Int = 50, stepSize: Double = 0.1, stepKind: StepKind = .l2Normalized, success: Success = .misclassified,
                loss: KCapLoss = .ceLogits, estimator: Estimator = .straightThrough) {
        precondition(steps >= 0 && stepSize > 0 && stepSize.isFinite, "steps \(steps) ≥ 0 and a finite step size \(stepSize) > 0")
        self.steps = steps
        self.stepSize = stepSize
        self.stepKind = stepKind
        self.success = success
        self.loss = loss
        self.estimator = estimator
    }

    /// The outcome of ``run(_:images:labels:epsilon:source:directions:)``.
    public struct Outcome: Sendable, Equatable {
        /// (image row, target class) of every pair, image by image, targets in increasing order.
        public var pairs: [(image: Int, target: Int)]
        /// The last iterate of every pair (pairs × inputs).
        public var adversarial: Matrix
        public var succeeded: [Bool]
        /// Per image: classified correctly and no pair succeeded.
        public var robust: [Bool]

        public static func == (a: Outcome, b: Outcome) -> Bool {
            a.pairs.elementsEqual(b.pairs) { $0 == $1 } && a.adversarial == b.adversarial && a.succeeded == b.succeeded && a.robust == b.robust
        }
    }

    /// Attacks every correctly classified row of `images` (B × inputs, pixels in [0, 1]) with all
    /// targets other than its label, within ε (≥ 0).
    ///
    /// - Parameters:
    ///   - network: the attacked network: which images count, and success at every iterate.
    ///   - images: B × inputs, pixels in [0, 1].
    ///   - labels: one class per image.
    ///   - epsilon: ε ≥ 0, the ℓ2 radius.
    ///   - source: the network whose gradient the steps follow (a transfer attack); nil: `network`.
    ///   - directions: the SPSA estimator's direction stream (required with ``Estimator/spsa(_:)``).
    /// - Returns: the pairs, their last iterates, which succeeded, and which images are robust.
    public func run(_ network: KCapNetwork, images: Matrix, labels: [Int], epsilon: Double, source: KCapNetwork? = nil,
                    directions: RandomGenerator? = nil) -> Outcome {
        run(network, images: images, labels: labels, epsilon: epsilon, source: source, directions: directions) { _ in }
    }

    /// ``run(_:images:labels:epsilon:source:directions:)``, handing every iterate x_s (all pairs'
    /// rows, pairs × inputs) to `observe` before it is checked.
    func run(_ network: KCapNetwork, images: Matrix, labels: [Int], epsilon: Double, source: KCapNetwork?,
             directions: RandomGenerator?, observe: (Matrix) -> Void) -> Outcome {
        precondition(epsilon >= 0 && epsilon.isFinite && labels.count == images.rows, "ε \(epsilon) ≥ 0, one label per image")
        if case .spsa = estimator { precondition(directions != nil, "an SPSA attack needs a directions stream") }
        let classes = network.configuration.classes
        var robust = zip(network.predict(drives: network.drives(images)), labels).map { $0 == $1 }
        let pairs = labels.indices.filter { robust[$0] }.flatMap { i in (0..<classes).filter { $0 != labels[i] }.map { (image: i, target: $0) } }
        let origins = images.gatherRows(pairs.map(\.image))
        var x = origins, succeeded = [Bool](repeating: false, count: pairs.count)
        for s in 0...steps {
            let active = pairs.indices.filter { robust[pairs[$0].image] }
            guard !active.isEmpty else { break }
            observe(x)
            let inputs = x.gatherRows(active), targets = active.map { pairs[$0].target }, crafted = source ?? network
            let result = switch estimator {
            case .straightThrough: crafted.inputGradient(inputs: inputs, targets: targets, loss: loss)
            case .spsa(let spsa): spsa.estimate(crafted, inputs: inputs, targets: targets, loss: loss, directions: directions!)
            }
            let predictions = source == nil ? result.predictions : network.predict(drives: network.drives(inputs))
            for (a, p) in active.enumerated() where success == .misclassified ? predictions[a] != labels[pairs[p].image] : predictions[a] == pairs[p].target {
                succeeded[p] = true
                robust[pairs[p].image] = false
            }
            guard s < steps else { break }
            step(&x, origins: origins, rows: active, gradient: result.gradient, epsilon: epsilon) { robust[pairs[$0].image] }
        }
        return Outcome(pairs: pairs, adversarial: x, succeeded: succeeded, robust: robust)
    }

    /// The share of `images` that stays robust at each ε of `epsilons`. At ε = 0 nothing moves (Π
    /// returns x₀), so the share is the clean accuracy and no step is run.
    ///
    /// - Parameters:
    ///   - network: the attacked network.
    ///   - images: B × inputs, pixels in [0, 1].
    ///   - labels: one class per image.
    ///   - epsilons: the radii ε ≥ 0, attacked one after the other.
    ///   - source: the network the steps are crafted on (transfer); nil: `network`.
    ///   - directions: the SPSA directions stream, read by the radii in order (required with SPSA).
    /// - Returns: one share in [0, 1] per ε.
    public func robustAccuracy(_ network: KCapNetwork, images: Matrix, labels: [Int], epsilons: [Double],
                               source: KCapNetwork? = nil, directions: RandomGenerator? = nil) -> [Double] {
        epsilons.map { epsilon in
            let robust = epsilon == 0 ? zip(network.predict(drives: network.drives(images)), labels).map { $0 == $1 }
                : run(network, images: images, labels: labels, epsilon: epsilon, source: source, directions: directions).robust
            return Double(robust.filter { $0 }.count) / Double(max(1, labels.count))
        }
    }

    /// x_r ← Π(x_r − α step(g_a)) for the a-th of `rows` whose image is still robust (`going`).
    func step(_ x: inout Matrix, origins: Matrix, rows: [Int], gradient: Matrix, epsilon: Double, going: (Int) -> Bool) {
        let d = x.cols
        x.storage.withUnsafeMutableBufferPointer { xp in
            origins.storage.withUnsafeBufferPointer { op in
                gradient.storage.withUnsafeBufferPointer { gp in
                    for (a, r) in rows.enumerated() where going(r) {
                        let g = UnsafeBufferPointer(rebasing: gp[(a * d)..<((a + 1) * d)])
                        let row = UnsafeMutableBufferPointer(rebasing: xp[(r * d)..<((r + 1) * d)])
                        let box = stepKind == .l2Box
                        func moves(_ c: Int) -> Bool { !box || !((row[c] <= 0 && g[c] > 0) || (row[c] >= 1 && g[c] < 0)) }
                        var scale = stepSize
                        if stepKind != .rawGradient {
                            let norm = (0..<d).reduce(0) { moves($1) ? $0 + g[$1] * g[$1] : $0 }.squareRoot()
                            guard norm > 0 else { continue }
                            scale /= norm
                        }
                        for c in 0..<d where moves(c) { row[c] -= scale * g[c] }
                        Self.project(row, around: UnsafeBufferPointer(rebasing: op[(r * d)..<((r + 1) * d)]), epsilon: epsilon)
                    }
                }
            }
        }
    }

    /// Π: scales x − x₀ onto the ℓ2 ball of radius ε around `origin` (if outside), then clips every
    /// entry to [0, 1]. `origin` must lie in [0, 1]. Afterwards ‖x − x₀‖₂ ≤ ε and 0 ≤ x ≤ 1 hold as
    /// computed in floating point: the scale shrinks by a few ulps until the computed norm is ≤ ε.
    public static func project(_ x: UnsafeMutableBufferPointer<Double>, around origin: UnsafeBufferPointer<Double>, epsilon: Double) {
        precondition(x.count == origin.count && epsilon >= 0)
        func distance() -> Double { zip(x, origin).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot() }
        let norm = distance()
        if norm > epsilon {
            let delta = zip(x, origin).map { $0 - $1 }
            var scale = epsilon / norm
            repeat {
                for c in x.indices { x[c] = origin[c] + scale * delta[c] }
                scale *= 1 - 4 * Double.ulpOfOne
            } while distance() > epsilon
        }
        for c in x.indices { x[c] = min(1, max(0, x[c])) }
    }
}
