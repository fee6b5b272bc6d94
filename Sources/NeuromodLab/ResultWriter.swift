import Foundation

/// Writes an experiment's outputs into its folder. Each file is written to a temporary name and
/// renamed into place, so a file is either complete or absent.
///
/// | file | contents |
/// |---|---|
/// | `metrics.csv` | `method,run,epoch,step,loss`: the training loss of every minibatch update |
/// | `epochs.csv` | `method,run,epoch,train_loss,test_loss`: clean losses on the whole sets after each epoch |
/// | `summary.json` | per method: final losses, updates to threshold, best run, mean variance across runs, wall time |
/// | `spec.yaml` | the spec file as given, headed by a comment with the command-line overrides |
///
/// `metrics.csv` and `epochs.csv` depend only on the spec and seed; `summary.json` also holds wall times.
public enum ResultWriter {
    /// File names written by ``write(_:specText:to:)``.
    public static let files = ["metrics.csv", "epochs.csv", "summary.json", "spec.yaml"]

    public static func write(_ result: ExperimentResult, specText: String, to folder: String) throws {
        // Everything is encoded before the folder is touched, so a failure leaves nothing behind.
        var metrics = "method,run,epoch,step,loss\n"
        metrics.reserveCapacity(result.steps.count * 32)
        for s in result.steps { metrics += "\(s.method),\(s.run),\(s.epoch),\(s.step),\(s.loss)\n" }
        var epochs = "method,run,epoch,train_loss,test_loss\n"
        for e in result.epochs {
            epochs += "\(e.method),\(e.run),\(e.epoch),\(e.trainLoss),\(e.testLoss.map { "\($0)" } ?? "")\n"
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Finite losses can still overflow a variance; JSON has no infinity, so such values become strings.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let summary = try encoder.encode(SummaryFile(name: result.spec.name, seed: result.spec.seed,
                                                     runs: result.spec.runs, methods: result.summaries))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try atomicWrite(Data(metrics.utf8), to: folder, name: "metrics.csv")
        try atomicWrite(Data(epochs.utf8), to: folder, name: "epochs.csv")
        try atomicWrite(summary, to: folder, name: "summary.json")
        try atomicWrite(Data(specText.utf8), to: folder, name: "spec.yaml")
    }

    /// Writes `data` to `folder/name` through a temporary file and an atomic rename.
    public static func atomicWrite(_ data: Data, to folder: String, name: String) throws {
        let final = URL(fileURLWithPath: folder).appendingPathComponent(name)
        let temporary = URL(fileURLWithPath: folder).appendingPathComponent(".\(name).partial-\(getpid())")
        do {
            try data.write(to: temporary)
            // rename(2) replaces the destination atomically.
            guard rename(temporary.path, final.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: final.path])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    struct SummaryFile: Codable {
        var name: String
        var seed: UInt64
        var runs: Int
        var methods: [MethodSummary]
    }
}
