/// The environments by name, for the command line (`neuromod env <name>`) and experiment specs.
///
/// ```swift
/// let env = try EnvironmentKind(name: "cartpole").make(parameters: ["integrator": "semi-implicit-euler"])
/// ```
public enum EnvironmentKind: String, CaseIterable, Sendable {
    /// ``CartPole`` (Gymnasium's CartPole-v1).
    case cartPole = "cartpole"
    /// ``Acrobot`` (Gymnasium's Acrobot-v1).
    case acrobot
    /// ``Reaching``, the 1-D reaching task with immediate reward.
    case reaching
    /// ``CueDelayReward``, the cue–delay–reward trial.
    case cueDelayReward = "cue-delay-reward"

    /// The kind called `name`.
    ///
    /// - Throws: ``TaskError/unknownEnvironment(name:known:)`` listing the names there are.
    public init(name: String) throws {
        guard let kind = EnvironmentKind(rawValue: name) else {
            throw TaskError.unknownEnvironment(name: name, known: Self.allCases.map(\.rawValue))
        }
        self = kind
    }

    /// The environment class of this kind.
    public var type: any Environment.Type {
        switch self {
        case .cartPole: return CartPole.self
        case .acrobot: return Acrobot.self
        case .reaching: return Reaching.self
        case .cueDelayReward: return CueDelayReward.self
        }
    }

    /// The option keys `make(parameters:)` accepts for this kind (its `Options.keys`).
    public var optionKeys: [String] {
        switch self {
        case .cartPole: return CartPole.Options.keys
        case .acrobot: return Acrobot.Options.keys
        case .reaching: return Reaching.Options.keys
        case .cueDelayReward: return CueDelayReward.Options.keys
        }
    }

    /// A new environment of this kind with `parameters` (`key: value` text, as `--option key=value`
    /// or a spec gives them) applied to the kind's default options.
    ///
    /// - Throws: ``TaskError`` for an unknown key, a value that does not parse, or options out of range.
    public func make(parameters: [String: String] = [:]) throws -> any Environment {
        switch self {
        case .cartPole: return try CartPole(options: CartPole.Options(parameters: parameters))
        case .acrobot: return try Acrobot(options: Acrobot.Options(parameters: parameters))
        case .reaching: return try Reaching(options: Reaching.Options(parameters: parameters))
        case .cueDelayReward: return try CueDelayReward(options: CueDelayReward.Options(parameters: parameters))
        }
    }
}
