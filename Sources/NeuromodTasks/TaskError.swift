/// Errors raised when a task or a data-preparation step is given parameters outside their valid
/// range (for example a sinusoid task with one sample, or a test fraction of 1).
///
/// Data-file problems are ``DataError``s instead; this type never names a file.
public enum TaskError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `parameter` has `value`, which violates `requirement`; `context` names the task or function.
    case invalidParameter(context: String, parameter: String, value: String, requirement: String)

    public var description: String {
        switch self {
        case .invalidParameter(let context, let parameter, let value, let requirement):
            return "\(context): \(parameter) = \(value) is invalid, it must be \(requirement)"
        }
    }
}
