import Testing
@testable import Neuromod

/// Seed 002's simple RNN on hand-computed cases (n = 6, k = 3, T = 2): the cap as a selection,
/// both readings of "fired", both recurrences, and batched evaluation equal to the per-example pass.
@Suite struct KCapNetworkTests {
    /// A = identity (the drive is x), W: edges 0→1 (1), 2→4 (0.5), 3→0 (−2); U reads units 0 and 1.
    static func network(recurrence: KCapNetwork.Recurrence = .paper, fired: KCapNetwork.Fired = .nonzero) throws -> KCapNetwork {
        var c = KCapNetwork.Configuration(inputs: 6, nodes: 6, cap: 3, rounds: 2, classes: 2)
        c.recurrence = recurrence
        c.fired = fired
        var identity = Matrix(rows: 6, cols: 6), w = Matrix(rows: 6, cols: 6), u = Matrix(rows: 2, cols: 6)
        for i in 0..<6 { identity[i, i] = 1 }
        w[0, 1] = 1; w[2, 4] = 0.5; w[3, 0] = -2
        u[0, 0] = 1; u[1, 1] = 1
        return try KCapNetwork(c, inputWeights: identity, recurrent: w, readout: u)
    }

    static func pass(_ network: KCapNetwork, _ x: [Double]) -> KCapPass {
        var pass = KCapPass()
        x.withUnsafeBufferPointer { network.forward(drive: $0, into: &pass) }
        return pass
    }

    @Test func capKeepsTheLargestWithLowestIndexTies() {
        var order: [Int] = [], selected: [Int] = []
        let values: [Double] = [1, 5, 5, 2, 5, 0]
        values.withUnsafeBufferPointer { CapSelection.select($0, k: 2, order: &order, into: &selected) }
        #expect(selected == [1, 2])
        values.withUnsafeBufferPointer { CapSelection.select($0, k: 4, order: &order, into: &selected) }
        #expect(selected == [1, 2, 3, 4])
        // Random ties: the lower rank wins (ranks 5…0 prefer the higher index).
        values.withUnsafeBufferPointer { CapSelection.select($0, k: 2, tieKeys: [5, 4, 3, 2, 1, 0], order: &order, into: &selected) }
        #expect(selected == [2, 4])
        values.withUnsafeBufferPointer { CapSelection.select($0, k: 0, order: &order, into: &selected) }
        #expect(selected.isEmpty)
        values.withUnsafeBufferPointer { CapSelection.select($0, k: 6, order: &order, into: &selected) }
        #expect(selected == [0, 1, 2, 3, 4, 5])
    }

    /// Quickselect agrees with a full sort on many random vectors with many ties.
    @Test func capEqualsSortingUnderTheTotalOrder() throws {
        let rng = try RandomGenerator(.mt19937, seed: 3)
        var order: [Int] = [], selected: [Int] = []
        for trial in 0..<200 {
            let n = 1 + trial % 37, k = rng.uniformInt(below: n + 1)
            let values = (0..<n).map { _ in Double(rng.uniformInt(below: 4)) }
            values.withUnsafeBufferPointer { CapSelection.select($0, k: k, order: &order, into: &selected) }
            let sorted = (0..<n).sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
            #expect(selected == Array(sorted.prefix(k)).sorted())
        }
    }

    /// Round 1: ReLU(x) = [3,0,2,2,0,1] keeps {0,2,3}; round 2: x + 3·W[0,:] + 2·W[2,:] + 2·W[3,:]
    /// = [−1,2,2,2,1,1] keeps {1,2,3}. Histories (round 1 high): 2, 1, 3, 3, 0, 0.
    @Test func paperRecurrenceByHand() throws {
        let p = Self.pass(try Self.network(), [3, -1, 2, 2, 0, 1])
        #expect(p.activity == [0, 2, 2, 2, 0, 0])
        #expect(p.histories == [2, 1, 3, 3, 0, 0])
        #expect(p.logits == [0, 2])
        #expect(p.prediction == 1)
    }

    /// Code recurrence: round 2 is W(h₁ + x) = 6·W[0,:] + 4·W[2,:] + 4·W[3,:] = [−8,6,0,0,2,0]: keeps
    /// 6 (unit 1), 2 (unit 4) and the zero of unit 0 (lowest index). Histories 2, 1, 2, 2, 1, 0.
    @Test func codeRecurrenceByHand() throws {
        let p = Self.pass(try Self.network(recurrence: .code), [3, -1, 2, 2, 0, 1])
        #expect(p.activity == [0, 6, 0, 0, 2, 0])
        #expect(p.histories == [2, 1, 2, 2, 1, 0])
        let topk = Self.pass(try Self.network(recurrence: .code, fired: .topkIndex), [3, -1, 2, 2, 0, 1])
        #expect(topk.histories == [3, 1, 2, 2, 1, 0])
    }

    /// Code recurrence with b = 1: round 1 keeps x + 1 = [4,0,3,3,1,2] at {0,2,3}; round 2 is
    /// 1 + 7·W[0,:] + 5·W[2,:] + 5·W[3,:] = [−9,8,1,1,3.5,1]: keeps 8, 3.5 and unit 2's 1 (lowest index).
    @Test func codeRecurrenceAddsTheBiasEveryRound() throws {
        var c = try Self.network(recurrence: .code).configuration
        c.bias = 1
        let base = try Self.network()
        let network = try KCapNetwork(c, inputWeights: base.inputWeights, recurrent: base.recurrent, readout: base.readout)
        let p = Self.pass(network, [3, -1, 2, 2, 0, 1])
        #expect(p.activity == [0, 8, 1, 0, 3.5, 0])
        #expect(p.histories == [2, 1, 3, 2, 1, 0])
    }

    /// One positive drive: the cap selects units 0, 1, 2 (zeros tie, lowest index). `nonzero`:
    /// only unit 0 fired; `topk-index`: the selected zeros fired too.
    @Test func firedReadingsDifferOnSelectedZeros() throws {
        let x: [Double] = [1, -1, 0, -2, 0, -3]
        #expect(Self.pass(try Self.network(), x).histories == [3, 0, 0, 0, 0, 0])
        #expect(Self.pass(try Self.network(fired: .topkIndex), x).histories == [3, 3, 3, 0, 0, 0])
    }

    @Test func batchedEvaluationEqualsThePass() throws {
        for recurrence in KCapNetwork.Recurrence.allCases {
            let network = try Self.network(recurrence: recurrence)
            let xs: [[Double]] = [[3, -1, 2, 2, 0, 1], [1, -1, 0, -2, 0, -3], [0, 4, -1, 2, 2, 3]]
            let h = network.finalActivity(drives: network.drives(Matrix(xs)))
            for (r, x) in xs.enumerated() { #expect(h.row(r) == Self.pass(network, x).activity) }
            #expect(network.predict(drives: network.drives(Matrix(xs))) == xs.map { Self.pass(network, $0).prediction })
            // W = 0 (the shortcut that repeats the first round under `paper`).
            var silent = network
            silent.recurrent = Matrix(rows: 6, cols: 6)
            let h0 = silent.finalActivity(drives: silent.drives(Matrix(xs)))
            for (r, x) in xs.enumerated() { #expect(h0.row(r) == Self.pass(silent, x).activity) }
        }
    }

    @Test func drawnGraphHasNoSelfLoopsAndTheMaskIsSharedByOnes() throws {
        var c = KCapNetwork.Configuration(inputs: 5, nodes: 20, cap: 10, rounds: 1, classes: 3)
        let normal = try KCapNetwork(c, initialWeight: 0, rng: try RandomGenerator(.mt19937, seed: 1))
        c.inputWeights = .ones
        let ones = try KCapNetwork(c, initialWeight: 1, rng: try RandomGenerator(.mt19937, seed: 1))
        #expect((0..<20).allSatisfy { normal.edges[$0 * 20 + $0] == 0 })
        #expect(normal.edges == ones.edges)
        #expect(normal.inputWeights.storage.map { $0 != 0 } == ones.inputWeights.storage.map { $0 != 0 })
        #expect(ones.inputWeights.storage.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(ones.recurrent.storage == ones.edges.map { Double($0) })
    }

    @Test func sizesAreRefusedInOneLine() {
        let c = KCapNetwork.Configuration(inputs: 4, nodes: 6, cap: 7, rounds: 2, classes: 2)
        #expect(throws: NetworkError.unsupported("k-cap network: the cap k = 7 must be in 1…6 (the nodes)")) {
            try KCapNetwork(c, initialWeight: 0, rng: try RandomGenerator(.mt19937, seed: 1))
        }
    }
}

/// The baselines' gradients against central finite differences: with the cap's selection fixed
/// (straight-through), the loss is smooth in W and U, and a step of 1e-6 does not change the
/// selection of these drives (their gaps are ≫ 1e-6), so the two agree to ~1e-7 relative.
@Suite struct KCapGradientTests {
    @Test(arguments: KCapNetwork.Recurrence.allCases)
    func fullGradientMatchesFiniteDifferences(_ recurrence: KCapNetwork.Recurrence) throws {
        var c = KCapNetwork.Configuration(inputs: 5, nodes: 8, cap: 4, rounds: 3, classes: 3)
        c.recurrence = recurrence
        let rng = try RandomGenerator(.mt19937, seed: 21)
        var network = try KCapNetwork(c, initialWeight: 0, rng: rng)
        for e in network.recurrent.storage.indices where network.edges[e] == 1 { network.recurrent.storage[e] = 0.3 * rng.gaussian() }
        for e in network.readout.storage.indices { network.readout.storage[e] = rng.gaussian() }
        let x = Matrix(rows: 6, cols: 5, storage: (0..<30).map { _ in rng.gaussian() }), labels = [0, 1, 2, 0, 1, 2]
        let drives = network.drives(x)
        let gd = KCapGradientDescent(network: network, scope: .full, adam: AdamSettings(rate: 0.01))
        let (_, gradU, gradW) = gd.gradients(drives: drives, labels: labels)
        func loss(_ n: KCapNetwork) -> Double {
            KCapGradientDescent(network: n, scope: .full, adam: AdamSettings()).gradients(drives: drives, labels: labels).loss
        }
        let h = 1e-6
        for e in network.recurrent.storage.indices where network.edges[e] == 1 {
            var plus = network, minus = network
            plus.recurrent.storage[e] += h
            minus.recurrent.storage[e] -= h
            let numeric = (loss(plus) - loss(minus)) / (2 * h)
            #expect(abs(numeric - gradW!.storage[e]) <= 1e-6 * max(1, abs(numeric)), "W[\(e)]: \(numeric) vs \(gradW!.storage[e])")
        }
        for e in network.readout.storage.indices {
            var plus = network, minus = network
            plus.readout.storage[e] += h
            minus.readout.storage[e] -= h
            let numeric = (loss(plus) - loss(minus)) / (2 * h)
            #expect(abs(numeric - gradU.storage[e]) <= 1e-6 * max(1, abs(numeric)), "U[\(e)]: \(numeric) vs \(gradU.storage[e])")
        }
        #expect(gradW!.storage.contains { $0 != 0 })
    }
}
