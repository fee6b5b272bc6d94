import ArgumentParser
import Foundation
import NeuromodLab
import NeuromodTasks

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a spec of any kind without running it, and estimate the memory and time it needs.",
        discussion: """
        Reads the spec as `neuromod run` would (every field, the data files' headers, the limits on \
        spec size, nesting and aliases), then prints the peak memory it will need, part by part, and a \
        rough wall time for a release build. Nothing is written. A spec whose estimate exceeds \
        --memory-limit is an error (exit code 1), as it would be for `neuromod run`. The memory \
        estimate is within 20 % of the measured peak for the shipped specs (docs/limits.md); the \
        time is good to a factor of about two.

        Example:
          neuromod check Models/dopamine/mnist-h1000.yaml
          neuromod check Models/nrl/cartpole.yaml --episodes 100 --jobs 1
        """)

    @OptionGroup var options: SpecOptions

    /// --runs, --methods, --episodes, --epochs, --generations, as for `neuromod run`.
    @OptionGroup var overrides: StudyOverrideOptions

    func run() throws {
        try reportingErrors {
            var spec = try StudyRegistry.load(path: options.spec, dataDirectory: options.dataDirectory)
            try spec.apply(overrides.changes(seed: options.seed))
            let jobs = options.jobCount
            let memory = spec.memoryEstimate(jobs: jobs)
            try memory.check(file: options.spec)
            print("\(options.spec): \(spec.overview): valid")
            print("memory: \(MemoryLimit.format(memory.total)) at the peak with \(jobs) job(s); the limit is \(MemoryLimit.described)")
            print("  \(MemoryLimit.format(MemoryEstimate.baseline).padding(toLength: 8, withPad: " ", startingAt: 0)) the process itself (runtime, BLAS)")
            for line in memory.lines { print("  \(line)") }
            print("time: \(spec.timeEstimate(jobs: jobs).description) (release build, \(jobs) job(s))")
        }
    }
}
