import Neuromod
import NeuromodTasks

extension EpisodicSpec {
    /// Peak memory of `neuromod run` on this environment spec with `jobs` concurrent runs (see
    /// ``MemoryEstimate``).
    ///
    /// Running holds every episode's record of every run and configuration (method × grid cell),
    /// and per concurrent run the policy network and, per environment instance (`training.instances`),
    /// one eligibility trace per synapse (a `window` trace keeps ⌈end/dt⌉ past steps of every synapse).
    public func memoryEstimate(jobs: Int = 1) -> MemoryEstimate {
        var estimate = MemoryEstimate()
        let environment = try? self.environment.kind.make(parameters: self.environment.options)
        let dt = environment?.dt ?? 1
        let configurations = MemoryLimit.product(methods.count, grid.map { $0.delays.count * $0.traces.count } ?? 1)
        // An EpisodeRecord with its two strings, its lines in episodes.csv and episode-curves.csv, and
        // the run's returns and step counts: 240 bytes an episode (measured: 82.5 MB for the full
        // delay sweep, 5 runs × 1 000 episodes × 42 cells).
        estimate.add("training.episodes", training.episodes, "the per-episode records of every run",
                     MemoryLimit.product(runs, training.episodes, configurations, 240))
        let concurrentRuns = min(jobs, runs)
        let sizes = [environment?.observationSize ?? 1] + hidden + [environment?.actionCount ?? 1]
        let synapses = (0..<(sizes.count - 1)).map { MemoryLimit.product(sizes[$0] + 1, sizes[$0 + 1]) }
        for l in synapses.indices {
            let field = l < hidden.count ? "network.hidden[\(l)]" : "network.hidden"
            // Weights, update, clean and noisy gradients (×4), and a one-value trace per instance.
            estimate.add(field, l < hidden.count ? "\(hidden[l])" : "\(hidden)",
                         l < hidden.count ? "its weights and eligibility traces" : "the output layer's weights and traces",
                         MemoryLimit.product(synapses[l], MemoryLimit.sum([4, training.instances]), concurrentRuns, Bytes.double))
        }
        // Traces that keep more than one value per synapse (rise–decay, window), at the longest one.
        let kernels = methods.enumerated().map { ("methods[\($0)].trace", $1.trace) }
            + (grid?.traces ?? []).enumerated().map { ("grid.traces[\($0)]", $1) }
        if let (field, kernel) = kernels.max(by: { Self.storedSteps($0.1, dt: dt) < Self.storedSteps($1.1, dt: dt) }),
           Self.storedSteps(kernel, dt: dt) > 1 {
            estimate.add(field, "\(kernel)", "the trace's stored steps for every synapse",
                         MemoryLimit.product(MemoryLimit.sum(synapses), Self.storedSteps(kernel, dt: dt) - 1, training.instances,
                                             concurrentRuns, Bytes.double))
        }
        return estimate
    }

    /// Values per synapse a trace kernel keeps: ⌈end/dt⌉ for a window, 2 for rise–decay, else 1.
    static func storedSteps(_ kernel: TraceKernel, dt: Double) -> Int {
        switch kernel {
        case .window(_, let end): return Int(min((end / dt).rounded(.up), 1e15))
        case .riseDecay: return 2
        default: return 1
        }
    }
}
