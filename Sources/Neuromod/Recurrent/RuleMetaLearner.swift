import Foundation

/// **Meta-learning a seed 002 rule by gradient descent** (§2, A.1 "GD to learn a rule"): G and A
/// are drawn once; each outer epoch shuffles the data into batches (the code drops the last,
/// incomplete one), and for each batch the network is reset, rule-trained over the batch once, and
/// the cross-entropy on the same batch (``RuleMetaGradient``, exact, no unrolling) steps Adam on
/// the rule's parameters.
///
/// | parameter | default | meaning |
/// |---|---|---|
/// | `recurrent` | none | the RNN rule: none (W fixed), a table r, or a ``RuleNetwork`` evaluated into r |
/// | `output` | — | r_o, 2^T × 2 (nil: U does not learn) |
/// | `learnRecurrent`, `learnOutput` | true | whether Adam steps that part (false: it stays as given) |
/// | `adam` | rate 1e-2 | ``AdamSettings`` (the code's lr) |
/// | `weightDecay` | 0.01 | coupled L2, added to the gradient as torch's `weight_decay` (A.1 "l2 regularization 0.01") |
///
/// The code's starting rule: r ~ N(0, 1), r_o = 0 (variant: the text leaves it unstated).
public struct RuleMetaLearner: Sendable {
    /// How the RNN rule is given.
    public enum RecurrentRule: Sendable, Equatable {
        case none
        case table([[Double]])
        case network(RuleNetwork)

        /// r as a table (nil: W does not learn).
        public var table: [[Double]]? {
            switch self {
            case .none: return nil
            case .table(let r): return r
            case .network(let net): return net.table()
            }
        }
    }

    public let gradient: RuleMetaGradient
    public private(set) var recurrent: RecurrentRule
    public private(set) var output: [[Double]]?
    public var learnRecurrent = true
    public var learnOutput = true
    public let adam: AdamSettings
    public let weightDecay: Double
    private var recurrentMoments: AdamMoments
    private var outputMoments: AdamMoments

    public init(gradient: RuleMetaGradient, recurrent: RecurrentRule, output: [[Double]]?,
                adam: AdamSettings = AdamSettings(rate: 1e-2), weightDecay: Double = 0.01) {
        self.gradient = gradient
        self.recurrent = recurrent
        self.output = output
        self.adam = adam
        self.weightDecay = weightDecay
        recurrentMoments = AdamMoments(count: Self.flat(recurrent).count)
        outputMoments = AdamMoments(count: output?.flatMap { $0 }.count ?? 0)
    }

    /// One Adam step on one batch (rows of `drives`, B × nodes, with their labels); returns the
    /// batch's loss before the step.
    @discardableResult
    public mutating func step(drives: Matrix, labels: [Int], tieRNG: RandomGenerator? = nil) throws -> Double {
        let e = try gradient.evaluate(recurrent: recurrent.table, output: output, drives: drives, labels: labels, tieRNG: tieRNG)
        if learnOutput, let ro = output, let g = e.output {
            var theta = ro.flatMap { $0 }
            outputMoments.step(&theta, gradient: decayed(g.flatMap { $0 }, theta), settings: adam, mask: nil)
            output = Self.reshape(theta, cols: 2)
        }
        if learnRecurrent, let g = e.recurrent {
            var theta = Self.flat(recurrent)
            switch recurrent {
            case .none: break
            case .table(let r):
                recurrentMoments.step(&theta, gradient: decayed(g.flatMap { $0 }, theta), settings: adam, mask: nil)
                recurrent = .table(Self.reshape(theta, cols: r.count))
            case .network(var net):
                recurrentMoments.step(&theta, gradient: decayed(net.parameterGradient(table: g), theta), settings: adam, mask: nil)
                net.parameters = theta
                recurrent = .network(net)
            }
        }
        return e.loss
    }

    /// One outer epoch: the rows of `drives` in the order `order`, in batches of `batch` (an
    /// incomplete last batch is dropped, as the code's `sz // batch`); returns the mean batch loss.
    public mutating func epoch(drives: Matrix, labels: [Int], order: [Int], batch: Int, tieRNG: RandomGenerator? = nil) throws -> Double {
        precondition(batch > 0 && batch <= order.count, "batch \(batch) must be in 1…\(order.count)")
        var total = 0.0, count = 0
        for first in stride(from: 0, through: order.count - batch, by: batch) {
            let rows = Array(order[first..<(first + batch)])
            total += try step(drives: drives.gatherRows(rows), labels: rows.map { labels[$0] }, tieRNG: tieRNG)
            count += 1
        }
        return total / Double(count)
    }

    /// g + λ θ (torch's coupled `weight_decay`).
    private func decayed(_ g: [Double], _ theta: [Double]) -> [Double] {
        weightDecay == 0 ? g : zip(g, theta).map { $0 + weightDecay * $1 }
    }

    private static func flat(_ rule: RecurrentRule) -> [Double] {
        switch rule {
        case .none: return []
        case .table(let r): return r.flatMap { $0 }
        case .network(let net): return net.parameters
        }
    }

    private static func reshape(_ flat: [Double], cols: Int) -> [[Double]] {
        stride(from: 0, to: flat.count, by: cols).map { Array(flat[$0..<($0 + cols)]) }
    }
}
