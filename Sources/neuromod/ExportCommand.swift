import ArgumentParser
import Foundation
import NeuromodLab
import NeuromodReport

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a run folder as a Jupyter notebook with its figures (SVG), tables and the code to reload its data.",
        discussion: """
        The notebook (nbformat 4.5) opens without running: figures are stored as image/svg+xml outputs. \
        Its data is copied beside it into a folder named like the notebook, and the code cells read it \
        from there with pandas and redraw every figure with matplotlib. The kind of study comes from summary.json's \
        "kind" (task, episodic, readout, evolution, plasticity-rules); without it, from the files the folder holds.

        Example:
          neuromod run Models/thesis/sinusoid.yaml --out runs/sinusoid
          neuromod export runs/sinusoid --out Notebooks-export/thesis-sinusoid.ipynb
        """)

    @Argument(help: "A folder written by `neuromod run`.")
    var runFolder: String

    @Option(help: "Notebook path (default: Notebooks-export/<run folder name>.ipynb).")
    var out: String?

    func run() throws {
        try reportingErrors {
            let target = out ?? "Notebooks-export/\((runFolder as NSString).lastPathComponent).ipynb"
            guard target.hasSuffix(".ipynb") else { throw CLIError.usage("--out must name a .ipynb file, got '\(target)'") }
            let folder = (target as NSString).deletingLastPathComponent
            let name = ((target as NSString).lastPathComponent as NSString).deletingPathExtension
            let export = try NotebookExporter.export(runFolder: runFolder, name: name)
            let notebook = try export.notebook.json()
            let dataFolder = ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(name)
            try FileManager.default.createDirectory(atPath: dataFolder, withIntermediateDirectories: true)
            for (file, data) in export.dataFiles.sorted(by: { $0.key < $1.key }) {
                try ResultWriter.atomicWrite(data, to: dataFolder, name: file)
            }
            try ResultWriter.atomicWrite(notebook, to: folder.isEmpty ? "." : folder, name: (target as NSString).lastPathComponent)
            print("wrote \(target) (\(notebook.count / 1024) kB) and \(export.dataFiles.count) data file(s) in \(dataFolder)")
        }
    }
}
