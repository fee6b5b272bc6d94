import ArgumentParser
import Foundation
import Neuromod
import NeuromodTasks

struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "Replay actions in an environment from a given state and print the trajectory as CSV.",
        discussion: """
        Prints to stdout the header 'step,action,<state>,reward,terminated,truncated', a row for the \
        initial state (step 0, action and reward empty) and a row per action with the state after it. \
        Numbers are printed with 17 significant digits, enough to read back the exact double. Replay \
        stops at the end of the episode; later actions are ignored with a note on stderr.

        Environments (state values in order; options for --option):
        \(environmentsHelp)

        Examples:
          neuromod env cartpole --state 0.01,-0.02,0.03,0.04 --actions 1,0,0,1
          neuromod env acrobot --seed 7 --actions 2,2,0,1
          neuromod env reaching --seed 1 --actions 2,2,1 --option speed=2
        """)

    @Argument(help: "The environment: \(EnvironmentKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var name: String

    // Unconditional: the value may start with a minus sign ("--state -0.1,0,0,0").
    @Option(parsing: .unconditional, help: "Comma-separated initial state, its values as listed above for the environment (default: drawn with --seed).")
    var state: String?

    @Option(help: "Seed of the episode's random stream (taus2, stream 0): it draws the initial state when --state is absent, and the cue-delay-reward distractor inputs.")
    var seed: UInt64?

    @Option(parsing: .unconditional, help: "Comma-separated actions, each from 0 to the environment's action count − 1; may be empty.")
    var actions: String

    @Option(name: .customLong("option"), help: "An environment option key=value (repeat for several), e.g. integrator=semi-implicit-euler.")
    var options: [String] = []

    /// One line per environment: name, state names, option keys.
    static var environmentsHelp: String {
        EnvironmentKind.allCases.map { kind in
            let names = (try? kind.make())?.stateNames ?? []
            return "  \(kind.rawValue): state \(names.joined(separator: ","))\n    options: \(kind.optionKeys.joined(separator: ", "))"
        }.joined(separator: "\n")
    }

    func run() throws {
        try reportingErrors {
            let kind = try EnvironmentKind(name: name)
            let env = try kind.make(parameters: try parameters())
            let actionList = try parseActions(for: env)
            let rng = try seed.map { try RandomGenerator(.taus2, seed: $0, stream: 0) }
            if let state {
                do {
                    try env.reset(state: try parseState(state), rng: rng)
                } catch let error as TaskError where rng == nil {
                    guard case .invalidParameter(_, "random stream", _, _) = error else { throw error }
                    throw CLIError.usage("\(error) (give one with --seed)")
                }
            } else if let rng {
                env.reset(rng: rng)
            } else {
                throw CLIError.usage("give the initial state with --state, or --seed to draw it")
            }

            var csv = (["step", "action"] + env.stateNames + ["reward", "terminated", "truncated"])
                .joined(separator: ",") + "\n"
            csv += row(step: 0, action: nil, state: env.state, result: nil)
            var taken = 0
            var last: EnvironmentStep?
            for action in actionList {
                let result = env.step(action)
                taken += 1
                last = result
                csv += row(step: taken, action: action, state: env.state, result: result)
                if result.isEpisodeEnd { break }
            }
            print(csv, terminator: "")
            if let last, taken < actionList.count {
                let how = last.terminated ? "terminated" : "was truncated (its step limit)"
                let ignored = actionList.count - taken
                let plural = ignored == 1 ? "" : "s"
                FileHandle.standardError.write(
                    Data("note: the episode \(how) at step \(taken); \(ignored) later action\(plural) ignored\n".utf8))
            }
        }
    }

    /// The `--option key=value` pairs.
    func parameters() throws -> [String: String] {
        var result: [String: String] = [:]
        for item in options {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw CLIError.usage("--option expects key=value, got '\(item)'")
            }
            let key = String(item[..<equals]).trimmingCharacters(in: .whitespaces)
            guard result[key] == nil else { throw CLIError.usage("--option \(key) is given twice") }
            result[key] = String(item[item.index(after: equals)...])
        }
        return result
    }

    /// The comma-separated numbers of `--state`.
    func parseState(_ text: String) throws -> [Double] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { item in
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let value = Double(trimmed) else {
                throw CLIError.usage("--state expects comma-separated numbers, got '\(trimmed)' in '\(text)'")
            }
            return value
        }
    }

    /// The comma-separated actions of `--actions`, each checked against the environment's action count.
    func parseActions(for env: any Environment) throws -> [Int] {
        let trimmedAll = actions.trimmingCharacters(in: .whitespaces)
        if trimmedAll.isEmpty { return [] }
        let items = trimmedAll.split(separator: ",", omittingEmptySubsequences: false)
        return try items.enumerated().map { index, item in
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let action = Int(trimmed), action >= 0, action < env.actionCount else {
                throw CLIError.usage("--actions: '\(trimmed)' (item \(index + 1)) is not an action of "
                               + "\(env.name), whose actions are 0 to \(env.actionCount - 1)")
            }
            return action
        }
    }

    /// One CSV row; `action` and `result` are nil for the initial state.
    func row(step: Int, action: Int?, state: [Double], result: EnvironmentStep?) -> String {
        var fields = [String(step), action.map(String.init) ?? ""]
        fields += state.map { String(format: "%.17g", $0) }
        fields.append(result.map { String(format: "%.17g", $0.reward) } ?? "")
        fields.append(String(result?.terminated ?? false))
        fields.append(String(result?.truncated ?? false))
        return fields.joined(separator: ",") + "\n"
    }
}
