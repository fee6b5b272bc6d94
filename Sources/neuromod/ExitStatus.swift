import ArgumentParser
import Foundation

/// How `neuromod` ends. One error style for every subcommand:
///
/// | status | when |
/// |---|---|
/// | 0 | success, and `--help` |
/// | 1 | an error: spec, data, run (divergence), I/O |
/// | 2 | a usage error: an unknown, malformed or out-of-range option, or one that does not apply to the spec; a `NEUROMOD_KERNELS` that is not a kernel level this CPU has |
///
/// Every error is one line `Error: …` on stderr (the first line of swift-argument-parser's message,
/// without its usage block).
enum ExitStatus {
    static let failure: Int32 = 1
    static let usage: Int32 = 2

    /// Prints `error` as one line and exits with its status; help and version requests print and exit 0.
    static func exit(reporting error: any Error) -> Never {
        let code = Neuromod.exitCode(for: error)
        if code == .success { Neuromod.exit(withError: error) }
        let status: Int32, message: String
        if let error = error as? CLIError {
            (status, message) = (error.isUsage ? usage : failure, error.message)
        } else if code == .validationFailure {
            (status, message) = (usage, Neuromod.message(for: error))
        } else {
            (status, message) = (failure, "\(error)")
        }
        let line = message.split(whereSeparator: \.isNewline).first.map(String.init) ?? "unknown error"
        FileHandle.standardError.write(Data("Error: \(line)\n".utf8))
        Foundation.exit(status)
    }
}
