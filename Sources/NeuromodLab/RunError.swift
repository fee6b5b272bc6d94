/// A run that could not go on. `run` is the run's index from 0, as in the CSV files; messages count
/// runs from 1, as progress lines do ("run 1/10").
public enum RunError: Error, Equatable, CustomStringConvertible {
    /// The loss became NaN or ±∞.
    case diverged(method: String, run: Int, epoch: Int, step: Int, loss: Double, hint: String)
    /// A policy's action probabilities became NaN or ±∞.
    case policyDiverged(method: String, run: Int, episode: Int, step: Int)
    /// The task's data do not fit the network.
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case .diverged(let method, let run, let epoch, let step, let loss, let hint):
            return "method '\(method)' run \(run + 1) diverged at epoch \(epoch), update \(step): loss is \(loss); \(hint)"
        case .policyDiverged(let method, let run, let episode, let step):
            return "method '\(method)' run \(run + 1) diverged in episode \(episode), step \(step): the policy's probabilities are not finite; lower learning_rate"
        case .shapeMismatch(let message):
            return message
        }
    }
}
