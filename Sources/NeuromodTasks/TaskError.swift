/// Errors raised when a task or a data-preparation step is given parameters outside their valid
/// range (for example a sinusoid task with one sample, or a test fraction of 1).
///
/// Data-file problems are ``DataError``s instead; this type never names a file.
public enum TaskError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `parameter` has `value`, which violates `requirement`; `context` names the task or function.
    case invalidParameter(context: String, parameter: String, value: String, requirement: String)
    /// An option named `option` was given to `context`, which only knows the options `allowed`.
    case unknownOption(context: String, option: String, allowed: [String])
    /// No environment is called `name`; `known` lists the names there are.
    case unknownEnvironment(name: String, known: [String])

    public var description: String {
        switch self {
        case .invalidParameter(let context, let parameter, let value, let requirement):
            return "\(context): \(parameter) = \(value) is invalid, it must be \(requirement)"
        case .unknownOption(let context, let option, let allowed):
            return "\(context): unknown option '\(option)'; options: \(allowed.joined(separator: ", "))"
        case .unknownEnvironment(let name, let known):
            return "unknown environment '\(name)'; environments: \(known.joined(separator: ", "))"
        }
    }
}
