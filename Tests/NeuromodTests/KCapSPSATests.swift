import Testing
@testable import Neuromod

/// The gradient-free (SPSA) and transfer forms of seed 002's targeted attack: the SPSA estimate
/// against the exact input gradient, the hand-made net both attacks must break, the ball and the
/// box at every iterate, and a transfer from the attacked net itself.
@Suite struct KCapSPSATests {
    /// Random points in the unit box, rows × 5 (the inputs of ``KCapAttackTests/network(_:seed:)``).
    static func points(_ rows: Int, seed: UInt64) throws -> Matrix {
        let rng = try RandomGenerator(.mt19937, seed: seed)
        return Matrix(rows: rows, cols: 5, storage: (0..<(rows * 5)).map { _ in rng.uniform() })
    }

    /// On the random T = 3 net (both recurrences) with δ = 1e-7 no probe changes a selection or a
    /// ReLU sign (the loss is smooth on every probe segment), so one direction's estimate
    /// ĝ_j = (vᵀ∇L) v_j has mean ∂_j L and variance ‖∇L‖² − (∂_j L)² exactly. K = 400
    /// single-direction estimates (fixed seed): their mean lies within 4 measured SE of the exact
    /// gradient on every coordinate, and their measured variance within 30 % of the exact one
    /// (its relative SE for K = 400 is below 10 % here). An estimate with S = 400 directions is the
    /// mean of 400 such terms: within 4 SE too. The loss and prediction at x are the exact ones.
    @Test(arguments: KCapNetwork.Recurrence.allCases)
    func estimateAgreesWithTheExactGradient(_ recurrence: KCapNetwork.Recurrence) throws {
        let network = try KCapAttackTests.network(recurrence), x = try Self.points(6, seed: 5), targets = [0, 1, 2, 2, 1, 0]
        let exact = network.inputGradient(inputs: x, targets: targets, loss: .ceLogits)
        let stream = try RandomGenerator(.mt19937, seed: 77), single = SPSAGradient(samples: 1, delta: 1e-7), k = 400
        let draws = (0..<k).map { _ in single.estimate(network, inputs: x, targets: targets, loss: .ceLogits, directions: stream).gradient }
        let wide = SPSAGradient(samples: k, delta: 1e-7).estimate(network, inputs: x, targets: targets, loss: .ceLogits, directions: stream)
        #expect(wide.predictions == exact.predictions)
        for r in 0..<x.rows { #expect(abs(wide.losses[r] - exact.losses[r]) <= 1e-12 * max(1, exact.losses[r])) }
        for r in 0..<x.rows {
            let norm2 = (0..<5).reduce(0) { $0 + exact.gradient[r, $1] * exact.gradient[r, $1] }
            #expect(norm2 > 1e-4, "row \(r): the gradient is not zero")
            for c in 0..<5 {
                let g = exact.gradient[r, c], values = draws.map { $0[r, c] }
                let mean = values.reduce(0, +) / Double(k)
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(k - 1)
                let se = (variance / Double(k)).squareRoot()
                #expect(abs(mean - g) <= 4 * se + 1e-9, "x[\(r), \(c)]: mean \(mean) vs \(g), SE \(se)")
                #expect(abs(variance - (norm2 - g * g)) <= 0.3 * (norm2 - g * g) + 1e-12, "x[\(r), \(c)]: variance \(variance) vs \(norm2 - g * g)")
                #expect(abs(wide.gradient[r, c] - g) <= 4 * se + 1e-9, "x[\(r), \(c)]: S = 400 gives \(wide.gradient[r, c]) vs \(g)")
            }
        }
    }

    /// The estimate reads the stream row by row: the same rows from the same stream give the same
    /// bits however they are blocked, and a row's estimate does not depend on the rows after it.
    @Test func estimateDependsOnRowsAndStreamOnly() throws {
        let network = try KCapAttackTests.network(.code), x = try Self.points(4, seed: 6), targets = [0, 1, 2, 0]
        let spsa = SPSAGradient(samples: 300, delta: 0.05)  // 601 probes a row: one row per block
        let all = spsa.estimate(network, inputs: x, targets: targets, loss: .ceLogits, directions: try RandomGenerator(.mt19937, seed: 3))
        let firstTwo = spsa.estimate(network, inputs: x.gatherRows([0, 1]), targets: [0, 1], loss: .ceLogits,
                                     directions: try RandomGenerator(.mt19937, seed: 3))
        #expect(Array(all.gradient.storage.prefix(10)) == firstTwo.gradient.storage)
        let again = spsa.estimate(network, inputs: x, targets: targets, loss: .ceLogits, directions: try RandomGenerator(.mt19937, seed: 3))
        #expect(again.gradient == all.gradient)
    }

    /// ``KCapLoss/value(_:target:)`` equals ``KCapLoss/evaluate`` where softmax does not underflow, and stays
    /// finite and exact (z_max − z_y) where it does.
    @Test func lossValueIsStable() {
        let z: [Double] = [0.3, -1.2, 2.0, 0.7]
        var g = [Double](repeating: 0, count: 4)
        for loss in KCapLoss.allCases {
            for target in 0..<4 {
                let evaluated = loss.evaluate(z, label: target, gradient: &g)
                #expect(abs(z.withUnsafeBufferPointer { loss.value($0, target: target) } - evaluated) <= 1e-14 * max(1, evaluated))
            }
        }
        let far: [Double] = [2000, 0, -500]
        #expect(far.withUnsafeBufferPointer { KCapLoss.ceLogits.value($0, target: 1) } == 2000)
        #expect(far.withUnsafeBufferPointer { KCapLoss.ceLogits.value($0, target: 2) } == 2500)
    }

    /// The hand-made net of ``KCapAttackTests/tinyNetwork()`` that the gradient attack breaks: SPSA
    /// (8 directions, δ = 0.01) breaks it too at ε = 0.5, and cannot at ε = 0.14 (no image of the
    /// other class lies that close).
    @Test(arguments: [TargetedAttack.StepKind.l2Normalized, .l2Box], TargetedAttack.Success.allCases)
    func spsaBreaksTheHandMadeNet(_ kind: TargetedAttack.StepKind, _ success: TargetedAttack.Success) throws {
        let network = try KCapAttackTests.tinyNetwork(), image = Matrix([[0.6, 0.4]])
        let attack = TargetedAttack(steps: 40, stepSize: 0.05, stepKind: kind, success: success,
                                    estimator: .spsa(SPSAGradient(samples: 8, delta: 0.01)))
        let gradient = TargetedAttack(steps: 40, stepSize: 0.05, stepKind: kind, success: success)
        #expect(gradient.run(network, images: image, labels: [0], epsilon: 0.5).robust == [false])
        let broken = attack.run(network, images: image, labels: [0], epsilon: 0.5, directions: try RandomGenerator(.mt19937, seed: 4))
        #expect(broken.robust == [false] && broken.succeeded == [true])
        #expect(broken.adversarial[0, 0] <= broken.adversarial[0, 1])
        let held = attack.run(network, images: image, labels: [0], epsilon: 0.14, directions: try RandomGenerator(.mt19937, seed: 4))
        #expect(held.robust == [true] && held.succeeded == [false])
        #expect(attack.robustAccuracy(network, images: image, labels: [0], epsilons: [0, 0.14, 0.5],
                                      directions: try RandomGenerator(.mt19937, seed: 4)) == [1, 1, 0])
    }

    /// Every iterate of every pair (SPSA and transfer; each step kind) lies in the ℓ2 ball of radius
    /// ε around its image and in the box [0, 1], exactly as computed; the attacks move; a pair that
    /// succeeded ends on an image the attacked net misclassifies.
    @Test(arguments: TargetedAttack.StepKind.allCases, [0.3, 1.5])
    func everyIterateStaysInTheBallAndTheBox(_ kind: TargetedAttack.StepKind, _ epsilon: Double) throws {
        let network = try KCapAttackTests.network(.code), other = try KCapAttackTests.network(.paper, seed: 22)
        let images = try Self.points(12, seed: 9), labels = (0..<12).map { $0 % 3 }
        let clean = zip(network.predict(drives: network.drives(images)), labels).map { $0 == $1 }
        let origins = images.gatherRows(labels.indices.filter { clean[$0] }.flatMap { i in (0..<3).filter { $0 != labels[i] }.map { _ in i } })
        #expect(origins.rows > 0)
        for (attack, source) in [(TargetedAttack(steps: 8, stepSize: 0.4, stepKind: kind, estimator: .spsa(SPSAGradient(samples: 4, delta: 0.05))), nil),
                                 (TargetedAttack(steps: 8, stepSize: 0.4, stepKind: kind), other)] {
            var iterates = 0, moved = false
            let outcome = attack.run(network, images: images, labels: labels, epsilon: epsilon, source: source,
                                     directions: try RandomGenerator(.mt19937, seed: 2)) { x in
                iterates += 1
                #expect(x.rows == origins.rows)
                for p in 0..<x.rows {
                    let row = x.row(p), distance = zip(row, origins.row(p)).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
                    #expect(distance <= epsilon && row.allSatisfy { $0 >= 0 && $0 <= 1 }, "iterate \(iterates), pair \(p): ‖x − x₀‖ = \(distance)")
                    if distance > 0 { moved = true }
                }
            }
            #expect(outcome.adversarial.rows == origins.rows)
            #expect(iterates >= 2 && moved)
            // A pair that succeeded stopped at the iterate that fools the attacked net.
            let predicted = network.predict(drives: network.drives(outcome.adversarial))
            for p in outcome.pairs.indices where outcome.succeeded[p] { #expect(predicted[p] != labels[outcome.pairs[p].image]) }
        }
    }

    /// A transfer from the attacked network itself is the plain attack, bit for bit; a transfer
    /// from a net whose readout swaps the classes pushes the hand-made net's image the wrong way
    /// and never breaks it (success is read on the attacked net, the steps on the source).
    @Test(arguments: TargetedAttack.StepKind.allCases, TargetedAttack.Success.allCases)
    func transferFromItselfIsTheGradientAttack(_ kind: TargetedAttack.StepKind, _ success: TargetedAttack.Success) throws {
        let network = try KCapAttackTests.network(.code), images = try Self.points(12, seed: 9), labels = (0..<12).map { $0 % 3 }
        let attack = TargetedAttack(steps: 6, stepSize: 0.3, stepKind: kind, success: success)
        for epsilon in [0.5, 2] {
            #expect(attack.run(network, images: images, labels: labels, epsilon: epsilon, source: network)
                    == attack.run(network, images: images, labels: labels, epsilon: epsilon))
        }
        let tiny = try KCapAttackTests.tinyNetwork()
        let swapped = try KCapNetwork(tiny.configuration, inputWeights: tiny.inputWeights, recurrent: tiny.recurrent, readout: Matrix([[0, 1], [1, 0]]))
        let image = Matrix([[0.6, 0.4]]), wide = TargetedAttack(steps: 40, stepSize: 0.05, stepKind: kind, success: success)
        #expect(wide.run(tiny, images: image, labels: [0], epsilon: 0.5).robust == [false])
        let transferred = wide.run(tiny, images: image, labels: [0], epsilon: 0.5, source: swapped)
        #expect(transferred.robust == [true] && transferred.succeeded == [false])
        #expect(transferred.adversarial[0, 0] > 0.6)
    }
}
