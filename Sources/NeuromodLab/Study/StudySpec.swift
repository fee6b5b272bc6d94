import Foundation
import Neuromod

/// One kind of study — task, episodic, readout, evolution — as ``StudyRegistry`` knows it: the
/// top-level section that marks its specs, its parser, the command-line options that apply to it,
/// its driver over the engine and its outcome (files and table). A new kind is one type conforming
/// to this protocol and one line in ``StudyRegistry/kinds``.
///
/// Contract: ``parse(_:header:resolveData:)`` reads the kind's own top-level fields (those of
/// ``StudyKind/fields``; the header is read already, and unknown keys are refused before it runs);
/// ``run(jobs:progress:)`` gives the same outcome for the same spec whatever `jobs` is.
public protocol StudySpec: Sendable {
    associatedtype Outcome: StudyOutcome
    /// This kind's entry in the registry.
    static var kind: StudyKind { get }
    var header: StudyHeader { get set }
    /// Builds the spec from the top-level fields of its file; `resolveData` maps a data path as
    /// written to a path to open.
    static func parse(_ fields: [String: SpecNode], header: StudyHeader, resolveData: (String) -> String) throws -> Self
    /// The methods `--methods` chooses from (empty for a kind without ``StudyOption/methods``).
    var methodNames: [String] { get }
    /// Keeps only the methods named (names already checked against ``methodNames``).
    mutating func keepMethods(_ names: [String])
    /// Applies the kind-specific overrides (those of ``StudyKind/options`` other than
    /// ``StudyOption/methods``; the registry has refused the others).
    mutating func applyOwn(_ overrides: StudyOverrides)
    /// One line for `neuromod check`, e.g. `readout study 'x' (3 methods × 2 runs × 5 epochs, hidden 1000)`.
    var overview: String { get }
    /// Peak memory with `jobs` concurrent jobs (see ``MemoryEstimate``).
    func memoryEstimate(jobs: Int) -> MemoryEstimate
    /// Rough wall time of a release build with `jobs` cores (see ``TimeEstimate``).
    func timeEstimate(jobs: Int) -> TimeEstimate
    /// Runs every method for every run; `progress` is called from worker threads.
    func run(jobs: Int, progress: @escaping @Sendable (StudyProgress) -> Void) throws -> Outcome
}

/// What a study kind is called and how its specs and options are told apart.
public struct StudyKind: Sendable, Equatable {
    /// The name recorded in `summary.json` (`kind`), which exporters read: `task`, `episodic`, `readout`, `evolution`.
    public let name: String
    /// The top-level key that marks a spec of this kind.
    public let section: String
    /// How messages call a study of this kind, e.g. "readout study".
    public let title: String
    /// The top-level fields besides the header (``StudyHeader``), with their meaning.
    public let fields: [SpecField]
    /// The command-line options beyond --runs, --seed and --out that apply to this kind.
    public let options: [StudyOption]

    /// The title with its article, e.g. "an episodic study".
    public var titleWithArticle: String { ("aeiou".contains(title.first!) ? "an " : "a ") + title }
    /// The title in the plural, e.g. "readout studies".
    public var plural: String { title.hasSuffix("y") ? title.dropLast() + "ies" : title + "s" }
}

/// A command-line option that applies to some kinds of study only.
public enum StudyOption: String, Sendable, CaseIterable {
    case methods, episodes, epochs, generations
    case dataOrder = "data-order"
    case saveWeights = "save-weights"

    /// As written on the command line.
    public var flag: String { "--\(rawValue)" }
}

/// Where a running study is: `done` of `total` units of work (epochs, episodes, generations).
public struct StudyProgress: Sendable {
    public var done: Int
    public var total: Int
    /// What just finished, e.g. `BP run 2/10 epoch 40/40: loss 0.0123`.
    public var line: String
    /// Whether the line is worth a line of its own in a log (a run finished, a checkpoint); other
    /// lines only refresh a progress bar.
    public var milestone: Bool

    public init(done: Int, total: Int, line: String, milestone: Bool) {
        self.done = done
        self.total = total
        self.line = line
        self.milestone = milestone
    }
}

/// What a study produced: its data files, its `summary.json` and the table printed on stdout
/// (``ResultWriter/files(of:specText:)`` writes them with `spec.yaml`).
public protocol StudyOutcome: Sendable {
    associatedtype Summary: Encodable
    /// The kind's data files (CSV), in the order they are written.
    func dataFiles() throws -> ResultFiles
    /// The contents of `summary.json`: `kind` (``StudyKind/name``), `name`, `seed`, `runs` and the
    /// kind's own keys.
    var summary: Summary { get }
    /// The summary table for a reader.
    var table: String { get }
    /// Every run's final network, written to `weights/` (empty unless the spec's header
    /// ``StudyHeader/savesWeights``; a default of `[]` is in WeightFiles.swift).
    var finalNetworks: [FinalNetwork] { get }
}

extension StudySpec {
    public var file: String { header.file }
    public var name: String { get { header.name } set { header.name = newValue } }
    public var description: String { get { header.description } set { header.description = newValue } }
    public var seed: UInt64 { get { header.seed } set { header.seed = newValue } }
    public var runs: Int { get { header.runs } set { header.runs = newValue } }
    public var output: String { get { header.output } set { header.output = newValue } }
    public var random: RandomAlgorithm { get { header.random } set { header.random = newValue } }
}
