import Foundation

/// Writes an experiment's outputs into a ``ResultFolder``, so the folder is whole or absent.
///
/// | file | contents |
/// |---|---|
/// | `metrics.csv` | `method,run,epoch,step,compute,loss,rule_loss`: per minibatch update, the clean loss of the batch before the update and the loss of the pass the rule learned from; compute in forward-pass equivalents per instance |
/// | `epochs.csv` | `method,run,epoch,train_loss,test_loss`: clean losses on the whole sets after each epoch |
/// | `curves.csv` | `method,step,epoch,compute,mean_loss,variance_across_runs,best_run_loss,runs`: the thesis's figures' data |
/// | `timing.csv` | `method,run,step,seconds`: wall-clock time since the run started, after each update |
/// | `summary.json` | per method: final losses, updates to threshold, best run, mean variance across runs, divergences, wall time |
/// | `spec.yaml` | the spec file as given, headed by a comment with the command-line overrides |
/// | `provenance.json` | where the results came from: version, commit, spec hash, command line, machine, libraries (see ``Provenance``; written by ``ResultFolder``) |
///
/// | `weights/` | with `--save-weights` (``Runner/keepsFinalNetworks``): each run's final network, see ``WeightFiles`` and docs/weights.md |
///
/// `metrics.csv`, `epochs.csv` and `curves.csv` depend only on the spec and seed; `timing.csv` and
/// `summary.json` also hold wall times.
public enum ResultWriter {
    /// File names written by ``write(_:specText:to:)`` (the last, `provenance.json`, by ``ResultFolder``),
    /// besides `weights/` when the result holds final networks.
    public static let files = ["metrics.csv", "epochs.csv", "curves.csv", "timing.csv", "summary.json", "spec.yaml", Provenance.fileName]

    public static func write(_ result: ExperimentResult, specText: String, to folder: ResultFolder) throws {
        try folder.write(encode(result, specText: specText) + WeightFiles.resultFiles(result.finalNetworks))
    }

    /// The files of ``files``, in that order, encoded in memory.
    public static func encode(_ result: ExperimentResult, specText: String) throws -> ResultFiles {
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
        return [("metrics.csv", Data(metrics.utf8)), ("epochs.csv", Data(epochs.utf8)), ("curves.csv", Data(curves.utf8)),
                ("timing.csv", Data(timing.utf8)), ("summary.json", summary), ("spec.yaml", Data(specText.utf8))]
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

    /// Writes `data` to `folder/name` through a temporary file and an atomic rename (for single
    /// files beside other content, such as an exported notebook; results go through ``ResultFolder``).
    /// A failure is a ``ResultFolderError`` naming the file and the cause.
    public static func atomicWrite(_ data: Data, to folder: String, name: String) throws {
        let final = URL(fileURLWithPath: folder).appendingPathComponent(name)
        let temporary = URL(fileURLWithPath: folder).appendingPathComponent(".\(name).partial-\(getpid())")
        do {
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ResultFolderError(path: final.path, cause: "cannot write (\(ResultFolder.reason(error)))")
        }
        // rename(2) replaces the destination atomically.
        guard rename(temporary.path, final.path) == 0 else {
            let cause = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ResultFolderError(path: final.path, cause: "cannot rename into place (\(cause))")
        }
    }

    struct SummaryFile: Codable {
        var name: String
        var seed: UInt64
        var runs: Int
        var methods: [MethodSummary]
    }
}
