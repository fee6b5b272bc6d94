/// The engine's loop on environments: a batch of environment instances stepped in lockstep by one
/// ``PlasticityEngine`` built with an ``EnvironmentBatch`` of the same size.
///
/// Every step: the engine acts for every instance (traces, passes, actions, local terms), each
/// environment steps, rewards become dopamine (every step's, or the episode's return at its last
/// step), dopamine due now changes the weights; an instance whose episode ended lets its pending
/// dopamine arrive (``PlasticityEngine/endEpisode(instance:)``), is reported and reset from its own
/// stream. The loop ends when `episodes` episodes have finished in all; episodes are reported in the
/// order they finish (instances in index order within a step).
public struct EpisodeLoop {
    /// When reward reaches the modulator.
    public enum RewardTiming: Sendable {
        /// The episode's return, as one reward at its last step.
        case episode
        /// Every step's reward, at that step.
        case step
    }

    /// One finished episode.
    public struct Episode: Sendable, Equatable {
        /// Episodes finished so far, this one included (from 1).
        public var index: Int
        /// The instance that ran it.
        public var instance: Int
        public var episodeReturn: Double
        public var steps: Int

        public init(index: Int, instance: Int, episodeReturn: Double, steps: Int) {
            self.index = index
            self.instance = instance
            self.episodeReturn = episodeReturn
            self.steps = steps
        }
    }

    /// The policy's probabilities stopped being finite (the learning rate is too large).
    public struct PolicyDiverged: Error, Equatable {
        /// The episode (counted as finished ones + 1) and step, from 1, of the first such instance.
        public var episode: Int
        public var step: Int

        public init(episode: Int, step: Int) {
            self.episode = episode
            self.step = step
        }
    }

    public let engine: PlasticityEngine
    public let environments: [any EpisodicEnvironment]
    /// Instance n's resets draw from stream n.
    public let resets: InstanceStreams
    public var reward: RewardTiming

    public init(engine: PlasticityEngine, environments: [any EpisodicEnvironment], resets: InstanceStreams,
                reward: RewardTiming) throws {
        guard let batch = engine.episodic?.batch, batch.instances == environments.count else {
            throw NetworkError.unsupported("the episode loop needs an engine made for \(environments.count) environment instance(s)")
        }
        try resets.ensure(count: environments.count)
        self.engine = engine
        self.environments = environments
        self.resets = resets
        self.reward = reward
    }

    /// Runs until `episodes` episodes have finished; `onEpisode` sees each as it finishes.
    /// - Throws: ``PolicyDiverged`` when the policy's probabilities are not finite.
    public func run(episodes: Int, onEpisode: (Episode) -> Void) throws {
        let instances = environments.count
        var observations = Matrix(rows: instances, cols: engine.network.inputSize)
        func start(_ n: Int) {
            let first = environments[n].reset(rng: resets[n])
            for k in first.indices { observations[n, k] = first[k] }
        }
        for n in 0..<instances { start(n) }
        var totals = Array(repeating: 0.0, count: instances), steps = Array(repeating: 0, count: instances)
        var done = Array(repeating: false, count: instances)
        var finished = 0
        while finished < episodes {
            let actions = engine.act(observations)
            let policy = engine.policy
            if let n = (0..<instances).first(where: { n in (0..<policy.cols).contains { !policy[n, $0].isFinite } }) {
                throw PolicyDiverged(episode: finished + 1, step: steps[n] + 1)
            }
            for n in 0..<instances {
                let step = environments[n].step(actions[n])
                totals[n] += step.reward
                steps[n] += 1
                done[n] = step.isEpisodeEnd
                switch reward {
                case .step: engine.reinforce(instance: n, reward: step.reward)
                case .episode: if done[n] { engine.reinforce(instance: n, reward: totals[n]) }
                }
                if !done[n] { for k in step.observation.indices { observations[n, k] = step.observation[k] } }
            }
            engine.advance()
            for n in 0..<instances where done[n] && finished < episodes {
                engine.endEpisode(instance: n)
                finished += 1
                onEpisode(Episode(index: finished, instance: n, episodeReturn: totals[n], steps: steps[n]))
                totals[n] = 0
                steps[n] = 0
                if finished < episodes { start(n) }
            }
        }
    }
}
