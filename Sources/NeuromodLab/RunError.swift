/// A run that could not go on.
public enum RunError: Error, Equatable, CustomStringConvertible {
    /// The loss became NaN or ±∞.
    case diverged(method: String, run: Int, epoch: Int, step: Int, loss: Double, hint: String)
    /// The task's data do not fit the network.
    case shapeMismatch(String)

    public var description: String {
        switch self {
        case .diverged(let method, let run, let epoch, let step, let loss, let hint):
            return "method '\(method)' run \(run) diverged at epoch \(epoch), update \(step): loss is \(loss); \(hint)"
        case .shapeMismatch(let message):
            return message
        }
    }
}
