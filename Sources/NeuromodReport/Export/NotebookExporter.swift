import Foundation

/// Turns a folder written by `neuromod run` into a notebook: the study's title and description,
/// the spec it ran, its summary as Markdown tables, its figures as SVG outputs, and Python cells
/// (pandas and matplotlib) that reload the data beside the notebook and redraw each figure: the
/// same series, bands and bars the SVG shows, read from the files in `<name>/`.
///
/// The notebook refers to its data by a path relative to itself (`<name>/…`); ``Export/dataFiles``
/// are the files to write there: the run's small files (`summary.json`, `spec.yaml`, `curves.csv`,
/// `epochs.csv`, `grid.csv`, a readout study's `curves.csv`, an evolution study's `generations.csv`,
/// a plasticity-rules study's `accuracy.csv`, `robustness.csv` and `rules.json`), `timing.csv`
/// reduced to the mean over runs per update, and, for environment studies, `episode-curves.csv` —
/// mean and SD over runs of the return in windows of episodes (the full `episodes.csv` and
/// `metrics.csv` can be tens of MB). Those files are enough to export the
/// notebook again: a notebook's data folder is itself an exportable run folder.
public enum NotebookExporter {
    /// A notebook and the data files it reads, by name relative to `<name>/`.
    public struct Export: Sendable {
        public var notebook: Notebook
        public var dataFiles: [String: Data]
    }

    /// The kinds of study a run folder can hold: the value of `summary.json`'s `"kind"` field.
    public enum StudyKind: String, Sendable, CaseIterable {
        case task, episodic, readout, evolution
        case plasticityRules = "plasticity-rules"
    }

    /// Most points a figure draws per series; longer series are thinned evenly (the data files keep
    /// all). The code cells plot every point; thinned the same way, they give the figure's points.
    public static let maxPoints = 800

    /// The notebook of the run folder `runFolder`, whose data will be written to `<name>/`.
    /// - Throws: `ExportError.notARunFolder` without `summary.json` or when the kind cannot be
    ///   told, `.unknownKind` for a `"kind"` this exporter does not know, `.missingFile`/`.badFile`
    ///   for a file the kind needs that is absent or unreadable.
    public static func export(runFolder: String, name: String) throws -> Export {
        switch try kind(of: runFolder) {
        case .task: return try TaskStudyExport(folder: runFolder, name: name).build()
        case .episodic: return try EnvironmentStudyExport(folder: runFolder, name: name).build()
        case .readout: return try ReadoutStudyExport(folder: runFolder, name: name).build()
        case .evolution: return try EvolutionStudyExport(folder: runFolder, name: name).build()
        case .plasticityRules: return try PlasticityRulesStudyExport(folder: runFolder, name: name).build()
        }
    }

    /// The study kind named by `summary.json`'s `"kind"` field, or, for folders written before
    /// that field existed, ``guessedKind(of:)``.
    public static func kind(of runFolder: String) throws -> StudyKind {
        struct KindField: Decodable { var kind: String? }
        let path = (runFolder as NSString).appendingPathComponent("summary.json")
        guard let data = FileManager.default.contents(atPath: path) else { throw ExportError.notARunFolder(runFolder) }
        let field: KindField
        do { field = try decoder().decode(KindField.self, from: data) } catch { throw ExportError.badFile(path, "\(error)") }
        guard let text = field.kind else {
            guard let guess = guessedKind(of: runFolder) else { throw ExportError.notARunFolder(runFolder) }
            return guess
        }
        guard let kind = StudyKind(rawValue: text) else { throw ExportError.unknownKind(path, text) }
        return kind
    }

    /// The fallback for a `summary.json` without `"kind"`: the kind told by which files the
    /// folder holds — `generations.csv` an evolution study; `accuracy.csv` a plasticity-rules study; `curves.csv` a readout study when its
    /// header starts with `method,run,epoch,train_loss,train_accuracy`, else a task study;
    /// `episodes.csv` (or an exported folder's `episode-curves.csv`) an environment study; nil otherwise.
    static func guessedKind(of folder: String) -> StudyKind? {
        let exists = { (file: String) in FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(file)) }
        if exists("generations.csv") { return .evolution }
        if exists("accuracy.csv") { return .plasticityRules }
        if let curves = try? read(folder, "curves.csv") {
            let header = String(decoding: curves.prefix(80), as: UTF8.self)
            return header.hasPrefix("method,run,epoch,train_loss,train_accuracy") ? .readout : .task
        }
        return exists("episodes.csv") || exists("episode-curves.csv") ? .episodic : nil
    }
}
