import Testing
@testable import Neuromod

/// Seed 002's targeted ℓ2 attack (§4, A.3): the input gradient through the cap against finite
/// differences, the projection's constraints, ε = 0, and a hand-made net the attack must break.
@Suite struct KCapAttackTests {
    /// A random net (d = 5, n = 8, k = 4, T = 3, 3 classes) with W on G's edges and U drawn N(0, 0.3²), N(0, 1).
    static func network(_ recurrence: KCapNetwork.Recurrence, seed: UInt64 = 21) throws -> KCapNetwork {
        var c = KCapNetwork.Configuration(inputs: 5, nodes: 8, cap: 4, rounds: 3, classes: 3)
        c.recurrence = recurrence
        let rng = try RandomGenerator(.mt19937, seed: seed)
        var network = try KCapNetwork(c, initialWeight: 0, rng: rng)
        for e in network.recurrent.storage.indices where network.edges[e] == 1 { network.recurrent.storage[e] = 0.3 * rng.gaussian() }
        for e in network.readout.storage.indices { network.readout.storage[e] = rng.gaussian() }
        return network
    }

    /// Which units are active (h > 0) in every round: the cap's selections and the ReLU's signs.
    static func pattern(_ network: KCapNetwork, _ x: Matrix) -> [[Bool]] {
        network.activities(drives: network.drives(x)).map { $0.storage.map { $0 > 0 } }
    }

    /// Central differences with step 1e-6 agree with the straight-through gradient to 1e-6
    /// relative wherever the ± step changes no selection or ReLU sign (checked: such coordinates
    /// are skipped, and most are kept). With the pattern fixed the loss is smooth in x, so the
    /// difference's error is O(h²) plus rounding ~1e-10.
    @Test(arguments: KCapNetwork.Recurrence.allCases, KCapLoss.allCases)
    func inputGradientMatchesFiniteDifferences(_ recurrence: KCapNetwork.Recurrence, _ loss: KCapLoss) throws {
        let network = try Self.network(recurrence), rng = try RandomGenerator(.mt19937, seed: 5)
        let x = Matrix(rows: 6, cols: 5, storage: (0..<30).map { _ in rng.uniform() }), targets = [0, 1, 2, 2, 1, 0]
        let result = network.inputGradient(inputs: x, targets: targets, loss: loss)
        let h = 1e-6
        var checked = 0
        for e in x.storage.indices {
            var plus = x, minus = x
            plus.storage[e] += h
            minus.storage[e] -= h
            guard Self.pattern(network, plus) == Self.pattern(network, x), Self.pattern(network, minus) == Self.pattern(network, x) else { continue }
            let r = e / x.cols
            let numeric = (network.inputGradient(inputs: plus, targets: targets, loss: loss).losses[r]
                           - network.inputGradient(inputs: minus, targets: targets, loss: loss).losses[r]) / (2 * h)
            #expect(abs(numeric - result.gradient.storage[e]) <= 1e-6 * max(1, abs(numeric)), "x[\(e)]: \(numeric) vs \(result.gradient.storage[e])")
            checked += 1
        }
        #expect(checked >= 25, "only \(checked) of 30 coordinates keep the pattern")
        #expect(result.gradient.storage.contains { $0 != 0 })
    }

    /// The loss's gradient in the logits, by central differences on each loss.
    @Test(arguments: KCapLoss.allCases)
    func lossGradientMatchesFiniteDifferences(_ loss: KCapLoss) {
        let z: [Double] = [0.3, -1.2, 2.0, 0.7]
        var g = [Double](repeating: 0, count: 4), scratch = g
        _ = z.withUnsafeBufferPointer { zp in g.withUnsafeMutableBufferPointer { loss.evaluate(zp, target: 1, gradient: $0) } }
        for c in 0..<4 {
            var plus = z, minus = z
            plus[c] += 1e-6
            minus[c] -= 1e-6
            let f = { (v: [Double]) in v.withUnsafeBufferPointer { vp in scratch.withUnsafeMutableBufferPointer { loss.evaluate(vp, target: 1, gradient: $0) } } }
            let numeric = (f(plus) - f(minus)) / 2e-6
            #expect(abs(numeric - g[c]) <= 1e-8, "\(loss) z[\(c)]: \(numeric) vs \(g[c])")
        }
    }

    /// Π keeps ‖x − x₀‖₂ ≤ ε and every pixel in [0, 1], exactly as computed, for points far outside,
    /// just outside and inside the ball; inside the ball and the box nothing moves.
    @Test func projectionKeepsTheBallAndTheBox() throws {
        let rng = try RandomGenerator(.mt19937, seed: 8)
        for trial in 0..<500 {
            let d = 1 + trial % 40, epsilon = [0, 1e-3, 0.5, 2, 4][trial % 5]
            let origin = (0..<d).map { _ in rng.uniform() }
            let spread = [1e-4, 0.1, 3, 50][trial % 4]
            var x = origin.map { $0 + spread * rng.gaussian() }
            let before = x
            x.withUnsafeMutableBufferPointer { xp in origin.withUnsafeBufferPointer { TargetedAttack.project(xp, around: $0, epsilon: epsilon) } }
            let distance = zip(x, origin).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            #expect(distance <= epsilon, "trial \(trial): ‖x − x₀‖ = \(distance) > ε = \(epsilon)")
            #expect(x.allSatisfy { $0 >= 0 && $0 <= 1 })
            let inside = zip(before, origin).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot() <= epsilon
            if inside && before.allSatisfy({ $0 >= 0 && $0 <= 1 }) { #expect(x == before) }
        }
    }

    /// d = n = 2, A = identity, k = 1, T = 1, U = identity: the class is the larger pixel (unit 0
    /// on ties). x₀ = (0.6, 0.4) is class 0; the closest image of class 1 is (0.5 − , 0.5 + ) at
    /// ℓ2 distance just above 0.1·√2 ≈ 0.1414. Straight through the cap the gradient reaches only
    /// the selected unit 0 and pushes x₀'s first pixel down until unit 1 takes over.
    static func tinyNetwork() throws -> KCapNetwork {
        let c = KCapNetwork.Configuration(inputs: 2, nodes: 2, cap: 1, rounds: 1, classes: 2)
        let identity = Matrix([[1, 0], [0, 1]])
        return try KCapNetwork(c, inputWeights: identity, recurrent: Matrix(rows: 2, cols: 2), readout: identity)
    }

    @Test(arguments: TargetedAttack.StepKind.allCases, TargetedAttack.Success.allCases)
    func targetedAttackBreaksAHandMadeNet(_ kind: TargetedAttack.StepKind, _ success: TargetedAttack.Success) throws {
        let network = try Self.tinyNetwork(), image = Matrix([[0.6, 0.4]])
        let attack = TargetedAttack(steps: 40, stepSize: 0.05, stepKind: kind, success: success)
        let broken = attack.run(network, images: image, labels: [0], epsilon: 0.5)
        #expect(broken.robust == [false] && broken.succeeded == [true])
        #expect(broken.adversarial[0, 0] < broken.adversarial[0, 1])
        // Within ε = 0.14 < 0.1414 no image of class 1 exists: the attack cannot succeed.
        let held = attack.run(network, images: image, labels: [0], epsilon: 0.14)
        #expect(held.robust == [true] && held.succeeded == [false])
        #expect(attack.robustAccuracy(network, images: image, labels: [0], epsilons: [0, 0.14, 0.5]) == [1, 1, 0])
    }

    /// At the corner (0, 1) a gradient (1, 1) is blocked in its first pixel: `l2-box` moves the
    /// second by exactly α, `l2-normalized` by α/√2 (the first pixel's share is clipped away).
    @Test func boxStepSkipsBlockedPixels() {
        let corner = Matrix([[0, 1]]), gradient = Matrix([[1, 1]])
        for (kind, moved) in [(TargetedAttack.StepKind.l2Box, 0.25), (.l2Normalized, 0.25 / 2.0.squareRoot())] {
            var x = corner
            TargetedAttack(stepSize: 0.25, stepKind: kind).step(&x, origins: corner, rows: [0], gradient: gradient, epsilon: 1) { _ in true }
            #expect(x[0, 0] == 0 && abs(x[0, 1] - (1 - moved)) < 1e-15, "\(kind): \(x)")
        }
    }

    /// At ε = 0 the projection returns x₀ after every step: the adversarial images are the
    /// originals, no pair succeeds, and the robust share is the clean accuracy (the shortcut of
    /// ``TargetedAttack/robustAccuracy(_:images:labels:epsilons:)``).
    @Test(arguments: TargetedAttack.StepKind.allCases)
    func attackWithZeroEpsilonChangesNothing(_ kind: TargetedAttack.StepKind) throws {
        let network = try Self.network(.paper), rng = try RandomGenerator(.mt19937, seed: 9)
        let images = Matrix(rows: 12, cols: 5, storage: (0..<60).map { _ in rng.uniform() }), labels = (0..<12).map { $0 % 3 }
        let attack = TargetedAttack(steps: 5, stepSize: 0.5, stepKind: kind)
        let outcome = attack.run(network, images: images, labels: labels, epsilon: 0)
        let clean = zip(network.predict(drives: network.drives(images)), labels).map { $0 == $1 }
        #expect(outcome.adversarial == images.gatherRows(outcome.pairs.map(\.image)))
        #expect(outcome.succeeded.allSatisfy { !$0 } && outcome.robust == clean)
        #expect(outcome.pairs.count == 2 * clean.filter { $0 }.count && !outcome.pairs.isEmpty)
        let accuracy = Double(clean.filter { $0 }.count) / 12
        #expect(attack.robustAccuracy(network, images: images, labels: labels, epsilons: [0]) == [accuracy])
        #expect(attack.run(network, images: images, labels: labels, epsilon: 3).robust.filter { $0 }.count <= clean.filter { $0 }.count)
    }
}
