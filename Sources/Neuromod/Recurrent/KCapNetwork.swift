/// **The simple RNN of seed 002** (§2 "Training", A.1): n rate units on a random directed graph G,
/// a fixed input layer A, T rounds of a k-cap, and a linear readout U with softmax.
///
///     h₀ = 0;  h_t = c_k(ReLU(W h_{t−1} + A x)),  t = 1…T        (recurrence `paper`)
///     h_t = c_k(ReLU(A x + b)) at t = 1, then c_k(ReLU(W (h_{t−1} + A x) + b))   (recurrence `code`)
///     prediction = argmax U h_T (lowest index on ties, as torch)
///
/// | parameter | default | meaning |
/// |---|---|---|
/// | `nodes` n | — | units of G |
/// | `cap` k | — | units kept per round (c_k keeps the k largest, ``CapSelection``) |
/// | `rounds` T | — | rounds per example; histories are T bits |
/// | `edgeProbability` p | 0.5 | each ordered pair i ≠ j is an edge of G with probability p (no self-loops) |
/// | `inputWeights` | `normal` | A ~ N(0, 1), or all ones (Table 2's T=1\*) |
/// | `inputMask` | `masked` | each input edge kept with probability p (code), or `dense` (text) |
/// | `recurrence` | `paper` | as above |
/// | `fired` | `nonzero` | fired in round t: h_{t,i} ≠ 0 (text), or `topk-index`: i was selected (code) |
/// | `ties` | `lowest-index` | the cap's order among equal drives |
/// | `bias` | 0 | b of the `code` recurrence (the code: 0 additive, 1 multiplicative) |
///
/// State: W (n × n, nonzero only on G's edges; stored by presynaptic row, `recurrent[i, j]` is the
/// weight of edge i → j, W[j, i] in the text's notation), U (classes × n). A is fixed.
/// Histories: s_i = Σ_t fired_{t,i} · 2^(T−t) (round 1 the most significant bit, as the code).
/// A round of `paper` is a sparse-times-dense product: only the (at most k) active units' rows of
/// `recurrent` are read. Batched evaluation goes through BLAS (``predict(drives:)``).
public struct KCapNetwork: Sendable {
    public enum Recurrence: String, Sendable, Equatable, CaseIterable { case paper, code }
    public enum Fired: String, Sendable, Equatable, CaseIterable {
        case nonzero
        case topkIndex = "topk-index"
    }
    public enum InputWeights: String, Sendable, Equatable, CaseIterable { case normal, ones }
    public enum InputMask: String, Sendable, Equatable, CaseIterable { case masked, dense }

    /// The sizes and readings of a network (see the table above).
    public struct Configuration: Sendable, Equatable {
        public var inputs: Int
        public var nodes: Int
        public var cap: Int
        public var rounds: Int
        public var classes: Int
        public var edgeProbability: Double = 0.5
        public var inputWeights: InputWeights = .normal
        public var inputMask: InputMask = .masked
        public var recurrence: Recurrence = .paper
        public var fired: Fired = .nonzero
        public var ties: CapTies = .lowestIndex
        public var bias: Double = 0

        public init(inputs: Int, nodes: Int, cap: Int, rounds: Int, classes: Int) {
            self.inputs = inputs
            self.nodes = nodes
            self.cap = cap
            self.rounds = rounds
            self.classes = classes
        }

        /// Throws a one-line ``NetworkError/unsupported(_:)`` for sizes the model cannot have.
        public func validate() throws {
            func refuse(_ why: String) -> NetworkError { .unsupported("k-cap network: \(why)") }
            guard inputs > 0, nodes > 0, classes >= 2 else { throw refuse("inputs and nodes must be positive and classes at least 2") }
            guard cap >= 1, cap <= nodes else { throw refuse("the cap k = \(cap) must be in 1…\(nodes) (the nodes)") }
            guard rounds >= 1, rounds <= 10 else { throw refuse("rounds T = \(rounds) must be in 1…10 (tables are 2^T wide)") }
            guard edgeProbability >= 0, edgeProbability <= 1 else { throw refuse("edge probability \(edgeProbability) must be in [0, 1]") }
            guard bias.isFinite else { throw refuse("the bias must be finite") }
        }
    }

    public let configuration: Configuration
    /// 1 where i → j is an edge of G, at [i · n + j].
    public let edges: [UInt8]
    /// A: nodes × inputs (masked entries 0). Fixed.
    public let inputWeights: Matrix
    /// W by presynaptic row: recurrent[i, j] is the weight of edge i → j (0 off G).
    public var recurrent: Matrix
    /// U: classes × nodes.
    public var readout: Matrix

    /// Draws G, then A's mask, then A's values from `rng` (in that order, so T=1 and T=1\* networks
    /// drawn from equal streams share G and the mask); W on G's edges and every U entry start at
    /// `initialWeight` (0 for additive rules, 1 for multiplicative, A.1).
    public init(_ configuration: Configuration, initialWeight: Double, rng: RandomGenerator) throws {
        try configuration.validate()
        self.configuration = configuration
        let n = configuration.nodes, d = configuration.inputs, p = configuration.edgeProbability
        var edges = [UInt8](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n where i != j && rng.uniform() < p { edges[i * n + j] = 1 } }
        var a = Matrix(rows: n, cols: d, value: 1)
        if configuration.inputMask == .masked { for e in a.storage.indices where !(rng.uniform() < p) { a.storage[e] = 0 } }
        if configuration.inputWeights == .normal { for e in a.storage.indices where a.storage[e] != 0 { a.storage[e] = rng.gaussian() } }
        self.edges = edges
        inputWeights = a
        recurrent = Matrix(rows: n, cols: n, storage: edges.map { $0 == 1 ? initialWeight : 0 })
        readout = Matrix(rows: configuration.classes, cols: n, value: initialWeight)
    }

    /// A network from given weights (tests, hand-computed cases); `edges` is read off W ≠ 0 unless given.
    public init(_ configuration: Configuration, inputWeights: Matrix, recurrent: Matrix, readout: Matrix, edges: [UInt8]? = nil) throws {
        try configuration.validate()
        let n = configuration.nodes
        guard inputWeights.rows == n, inputWeights.cols == configuration.inputs, recurrent.rows == n, recurrent.cols == n,
              readout.rows == configuration.classes, readout.cols == n else {
            throw NetworkError.shapeMismatch(what: "k-cap weights", expected: "A \(n)×\(configuration.inputs), W \(n)×\(n), U \(configuration.classes)×\(n)",
                                             got: "A \(inputWeights.rows)×\(inputWeights.cols), W \(recurrent.rows)×\(recurrent.cols), U \(readout.rows)×\(readout.cols)")
        }
        self.configuration = configuration
        self.inputWeights = inputWeights
        self.recurrent = recurrent
        self.readout = readout
        self.edges = edges ?? recurrent.storage.map { $0 != 0 ? 1 : 0 }
    }

    /// The drives A x of `inputs`' rows (B × inputs → B × nodes), one GEMM.
    public func drives(_ inputs: Matrix) -> Matrix {
        var out = Matrix(rows: inputs.rows, cols: configuration.nodes)
        Matrix.gemm(inputs, inputWeights, transB: .transposed, into: &out)
        return out
    }

    /// The index of the largest entry (the lowest on ties).
    static func argmax(_ values: UnsafeBufferPointer<Double>) -> Int {
        var best = 0
        for c in values.indices where values[c] > values[best] { best = c }
        return best
    }
}
