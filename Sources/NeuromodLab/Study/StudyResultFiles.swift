import Foundation

extension ResultWriter {
    /// Every file of a study's results folder, in the order written: the kind's data files, then
    /// `summary.json` (its ``StudyOutcome/summary``, which names the kind), then `spec.yaml` (the
    /// spec as given, headed by the command line that ran it), then, with `--save-weights`, `weights/`
    /// (``WeightFiles``); ``ResultFolder/write(_:)`` adds `provenance.json` (``Provenance``).
    public static func files(of outcome: some StudyOutcome, specText: String) throws -> ResultFiles {
        try outcome.dataFiles() + [("summary.json", try jsonEncoder.encode(outcome.summary)), ("spec.yaml", Data(specText.utf8))]
            + WeightFiles.resultFiles(outcome.finalNetworks)
    }
}
