/// A run that could not go on.
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
            return "method '\(method)' run \(run) diverged at epoch \(epoch), update \(step): loss is \(loss); \(hint)"
        case .policyDiverged(let method, let run, let episode, let step):
            return "method '\(method)' run \(run) diverged in episode \(episode), step \(step): the policy's probabilities are not finite; lower learning_rate"
        case .shapeMismatch(let message):
            return message
        }
    }
}
