import Neuromod

/// The synthetic sets of seed 002 (§2 "Data sets", A.2): d-dimensional points labelled by a random
/// teacher, 2 classes. Every set draws the teacher first, then the training points, then the test
/// points, from one stream.
///
/// | teacher | label | text | code |
/// |---|---|---|---|
/// | `halfspace` | 1[w · x > 0] | x ~ N(0, I), w ~ N(0, I) | x, w ~ U[−1, 1]^d, no bias |
/// | `relu` | argmax of V ReLU(W x), W width × d, V 2 × width | N(0, 1) weights, width 1000 | U[−1, 1], no biases (README width 100) |
/// | `rnn` | argmax of a random simple RNN (T = 3, n = 100, k = 50, p = 0.5) | N(0, 1) | U[−0.5, 0.5] (biases not drawn here) |
///
/// `distribution` ``Distribution/normal`` is the text's (x and weights N(0, 1)); ``Distribution/uniform``
/// the code's (U[−1, 1], the RNN teacher's weights U[−0.5, 0.5]).
public enum Seed002Teacher: String, Sendable, Equatable, CaseIterable {
    case halfspace, relu, rnn

    public enum Distribution: String, Sendable, Equatable, CaseIterable { case normal, uniform }

    /// Training and test sets of `train` and `test` points in `dimension` dimensions.
    /// - Parameters:
    ///   - dimension: the inputs' dimension d (10 in the seed).
    ///   - train: training points.
    ///   - test: test points.
    ///   - distribution: inputs' and teacher weights' distribution (see above).
    ///   - width: the ReLU teacher's hidden width (1000 in the text).
    ///   - rng: draws the teacher, then the points.
    public func make(dimension: Int, train: Int, test: Int, distribution: Distribution, width: Int = 1000,
                     rng: RandomGenerator) throws -> (train: ClassificationSet, test: ClassificationSet) {
        precondition(dimension > 0 && train > 0 && test > 0 && width > 0)
        func draw(_ count: Int, scale: Double = 1) -> [Double] {
            (0..<count).map { _ in distribution == .normal ? rng.gaussian() : scale * (2 * rng.uniform() - 1) }
        }
        let label: (Matrix) -> [Int]
        switch self {
        case .halfspace:
            let w = draw(dimension)
            label = { x in (0..<x.rows).map { r in (0..<dimension).reduce(0.0) { $0 + w[$1] * x[r, $1] } > 0 ? 1 : 0 } }
        case .relu:
            let first = Matrix(rows: width, cols: dimension, storage: draw(width * dimension))
            let second = Matrix(rows: 2, cols: width, storage: draw(2 * width))
            label = { x in
                var hidden = Matrix(rows: x.rows, cols: width), out = Matrix(rows: x.rows, cols: 2)
                Matrix.gemm(x, first, transB: .transposed, into: &hidden)
                for e in hidden.storage.indices where hidden.storage[e] < 0 { hidden.storage[e] = 0 }
                Matrix.gemm(hidden, second, transB: .transposed, into: &out)
                return (0..<x.rows).map { out[$0, 1] > out[$0, 0] ? 1 : 0 }
            }
        case .rnn:
            var c = KCapNetwork.Configuration(inputs: dimension, nodes: 100, cap: 50, rounds: 3, classes: 2)
            c.inputMask = .dense
            let graph = try KCapNetwork(c, initialWeight: 1, rng: rng)
            let weights = draw(100 * 100, scale: 0.5)
            let recurrent = Matrix(rows: 100, cols: 100, storage: (0..<10_000).map { graph.edges[$0] == 1 ? weights[$0] : 0 })
            let teacher = try KCapNetwork(c, inputWeights: Matrix(rows: 100, cols: dimension, storage: draw(100 * dimension, scale: 0.5)),
                                          recurrent: recurrent, readout: Matrix(rows: 2, cols: 100, storage: draw(200, scale: 0.5)),
                                          edges: graph.edges)
            label = { x in teacher.predict(drives: teacher.drives(x)) }
        }
        let trainInputs = Matrix(rows: train, cols: dimension, storage: draw(train * dimension))
        let testInputs = Matrix(rows: test, cols: dimension, storage: draw(test * dimension))
        return (ClassificationSet(inputs: trainInputs, labels: label(trainInputs), classes: 2),
                ClassificationSet(inputs: testInputs, labels: label(testInputs), classes: 2))
    }
}
