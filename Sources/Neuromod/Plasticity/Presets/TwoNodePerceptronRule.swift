/// **The two-node Perceptron output rule** of seed 002 (§3.1, Table 1; A.3's "perceptron-style"
/// r_o) on a k-cap network (``KCapEngine``): on a mistake, for every hidden unit i, the edge to the
/// true label's node gains η and the edge to the predicted node loses η if i fired; the reverse if
/// it did not.
///
///     r_o[s][·] = [+1, −1] if s counts as fired, else [−1, +1]    (columns: label, prediction)
///
/// With T > 1 rounds, "fired" reads the history s by `reading`: ``PerceptronReading/lastRound``
/// (fired in round T: the lowest bit) or ``PerceptronReading/anyRound`` (s ≠ 0). At T = 1 both are
/// Table 1's [[−1, +1], [+1, −1]].
///
/// | parameter | unit | default | meaning |
/// |---|---|---|---|
/// | `rounds` | — | — | T |
/// | `reading` | — | `last-round` | how a history counts as fired |
/// | `recurrent` | — | nil | a fixed RNN table r (2^T × 2^T); nil: W does not learn |
/// | `learningRate` | — | 0.01 | η |
/// | `gate` | — | misclassified | A.2 (or `all`, A.4) |
/// | `update` | — | additive | or multiplicative / factor |
///
/// Local: the unit's history and its readout node's role. Broadcast: the gate.
extension PlasticityRule {
    public enum PerceptronReading: String, Sendable, Equatable, CaseIterable {
        case lastRound = "last-round"
        case anyRound = "any-round"
    }

    public static func twoNodePerceptron(rounds: Int, reading: PerceptronReading = .lastRound, recurrent: [[Double]]? = nil,
                                         learningRate: Double = 0.01, gate: Modulation.Gate = .misclassified,
                                         update: UpdateForm = .additive) -> PlasticityRule {
        let table = (0..<(1 << rounds)).map { s -> [Double] in
            let fired = reading == .lastRound ? s & 1 == 1 : s != 0
            return fired ? [1, -1] : [-1, 1]
        }
        return .seed002(name: "two-node-perceptron", output: ("ro", "post_role", table), recurrent: recurrent,
                        learningRate: learningRate, gate: gate, update: update)
    }
}
