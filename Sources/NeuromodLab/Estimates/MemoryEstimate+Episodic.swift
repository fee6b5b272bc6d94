import Neuromod
import NeuromodTasks

extension EpisodicSpec {
    /// Peak memory of `neuromod run` on this environment spec with `jobs` concurrent runs (see
    /// ``MemoryEstimate``).
    ///
    /// Running holds every episode's record of every run and configuration (method × grid cell),
    /// and per concurrent run the policy network and one eligibility trace per synapse (a `window`
    /// trace keeps ⌈end/dt⌉ past steps of every synapse).
    public func memoryEstimate(jobs: Int = 1) -> MemoryEstimate {
        var estimate = MemoryEstimate()
        let environment = try? self.environment.kind.make(parameters: self.environment.options)
        let dt = environment?.dt ?? 1
        let configurations = MemoryLimit.product(methods.count, grid.map { $0.delays.count * $0.traces.count } ?? 1)
        // An EpisodeRecord (about 100 bytes) and its CSV line (about 60 bytes) per episode, plus the
        // run's returns and step counts (16 bytes).
        estimate.add("training.episodes", training.episodes, "the per-episode records of every run",
                     MemoryLimit.product(runs, training.episodes, configurations, 180))
        let concurrentRuns = min(jobs, runs)
        let traceSteps = (methods.map(\.trace) + (grid?.traces ?? [])).map { Self.storedSteps($0, dt: dt) }.max() ?? 1
        let sizes = [environment?.observationSize ?? 1] + hidden + [environment?.actionCount ?? 1]
        for l in 0..<(sizes.count - 1) {
            let synapses = MemoryLimit.product(sizes[l] + 1, sizes[l + 1])
            let field = l < hidden.count ? "network.hidden[\(l)]" : "network.hidden"
            // Weights, update, clean and noisy gradients (×4) and the trace's stored steps.
            estimate.add(field, l < hidden.count ? "\(hidden[l])" : "\(hidden)",
                         l < hidden.count ? "its weights and eligibility traces" : "the output layer's weights and traces",
                         MemoryLimit.product(synapses, MemoryLimit.sum([4, traceSteps]), concurrentRuns, Bytes.double))
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
