import Foundation

/// Writes an experiment's outputs into its folder. Each file is written to a temporary name and
/// renamed into place, so a file is either complete or absent.
///
/// | file | contents |
/// |---|---|
/// | `metrics.csv` | `method,run,epoch,step,compute,loss,rule_loss`: per minibatch update, the clean loss of the batch before the update and the loss of the pass the rule learned from; compute in forward-pass equivalents per instance |
/// | `epochs.csv` | `method,run,epoch,train_loss,test_loss`: clean losses on the whole sets after each epoch |
/// | `curves.csv` | `method,step,epoch,compute,mean_loss,variance_across_runs,best_run_loss,runs`: the thesis's figures' data |
/// | `timing.csv` | `method,run,step,seconds`: wall-clock time since the run started, after each update |
/// | `summary.json` | per method: final losses, updates to threshold, best run, mean variance across runs, divergences, wall time |
/// | `spec.yaml` | the spec file as given, headed by a comment with the command-line overrides |
///
/// `metrics.csv`, `epochs.csv` and `curves.csv` depend only on the spec and seed; `timing.csv` and
/// `summary.json` also hold wall times.
public enum ResultWriter {
    /// File names written by ``write(_:specText:to:)``.
    public static let files = ["metrics.csv", "epochs.csv", "curves.csv", "timing.csv", "summary.json", "spec.yaml"]

    public static func write(_ result: ExperimentResult, specText: String, to folder: String) throws {
        // Everything is encoded before the folder is touched, so a failure leaves nothing behind.
        let fpe = Dictionary(uniqueKeysWithValues: result.spec.methods.map { ($0.name, $0.rule.forwardPassEquivalents) })
        var metrics = "method,run,epoch,step,compute,loss,rule_loss\n"
        var timing = "method,run,step,seconds\n"
        metrics.reserveCapacity(result.steps.count * 40)
        for s in result.steps {
            metrics += "\(csvField(s.method)),\(s.run),\(s.epoch),\(s.step),\(Double(s.step) * fpe[s.method]!),\(s.loss),\(s.ruleLoss)\n"
            timing += "\(csvField(s.method)),\(s.run),\(s.step),\(s.seconds)\n"
        }
        var curves = "method,step,epoch,compute,mean_loss,variance_across_runs,best_run_loss,runs\n"
        for c in result.curves {
            curves += "\(csvField(c.method)),\(c.step),\(c.epoch),\(c.compute),\(c.meanLoss),\(c.varianceAcrossRuns),\(c.bestRunLoss),\(c.runs)\n"
        }
        var epochs = "method,run,epoch,train_loss,test_loss\n"
        for e in result.epochs {
            epochs += "\(csvField(e.method)),\(e.run),\(e.epoch),\(e.trainLoss),\(e.testLoss.map { "\($0)" } ?? "")\n"
        }
        let summary = try jsonEncoder.encode(SummaryFile(name: result.spec.name, seed: result.spec.seed,
                                                     runs: result.spec.runs, methods: result.summaries))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try atomicWrite(Data(metrics.utf8), to: folder, name: "metrics.csv")
        try atomicWrite(Data(epochs.utf8), to: folder, name: "epochs.csv")
        try atomicWrite(Data(curves.utf8), to: folder, name: "curves.csv")
        try atomicWrite(Data(timing.utf8), to: folder, name: "timing.csv")
        try atomicWrite(summary, to: folder, name: "summary.json")
        try atomicWrite(Data(specText.utf8), to: folder, name: "spec.yaml")
    }

    /// A CSV field as written: quoted (RFC 4180) when it holds a comma, quote or line end, so that
    /// method names such as "batch 50, 1e-2" stay one field.
    static func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The encoder of every `summary.json`: sorted keys, and non-finite values as the strings "inf",
    /// "-inf" and "nan" (finite losses can still overflow a variance, and JSON has no infinity).
    static var jsonEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// Creates `folder` and writes each named file into it atomically, in order. Callers encode every
    /// file first, so a failure to encode leaves no folder behind.
    static func writeAll(_ files: [(name: String, data: Data)], to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for file in files { try atomicWrite(file.data, to: folder, name: file.name) }
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
