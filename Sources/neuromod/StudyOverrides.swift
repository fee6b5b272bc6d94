import ArgumentParser
import Foundation
import NeuromodLab

/// The options that change a study's length or narrow it to some methods, shared by `neuromod run`
/// and `neuromod check` (which estimates what `run` with the same options will need).
struct StudyOverrideOptions: ParsableArguments {
    @Option(help: "Number of independent runs (default: the spec's 'runs').")
    var runs: Int?

    @Option(help: "Comma-separated method names (default: all of the spec's methods).")
    var methods: String?

    @Option(help: "Episodes per run, for specs with an environment (default: the spec's 'training.episodes').")
    var episodes: Int?

    @Option(help: "Epochs, for readout studies (default: the spec's 'readout.epochs').")
    var epochs: Int?

    @Option(help: "Generations, for evolution studies (default: the spec's 'evolution.generations').")
    var generations: Int?

    func validate() throws {
        for (name, value) in [("--runs", runs), ("--episodes", episodes), ("--epochs", epochs), ("--generations", generations)] {
            if let value, value <= 0 { throw ValidationError("\(name) must be a positive integer, got \(value)") }
        }
    }

    /// The changes these options make (the registry refuses those that do not apply to the spec).
    func changes(seed: UInt64?) -> StudyOverrides {
        StudyOverrides(seed: seed, runs: runs,
                       methods: methods?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                       episodes: episodes, epochs: epochs, generations: generations)
    }
}
