import Foundation
import NeuromodTestSupport
@testable import NeuromodReport

/// The notebooks committed in `Notebooks-export/`, each beside the data folder it was exported from.
enum CommittedNotebooks {
    static let folder = TestData.packageRoot.appendingPathComponent("Notebooks-export").path

    /// Names `N` with both `N.ipynb` and `N/summary.json` in the folder, sorted.
    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.filter { $0.hasSuffix(".ipynb") }.map { String($0.dropLast(6)) }
            .filter { FileManager.default.fileExists(atPath: "\(folder)/\($0)/summary.json") }.sorted()
    }()

    static func notebookPath(_ name: String) -> String { "\(folder)/\(name).ipynb" }

    /// The committed notebook's JSON.
    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: notebookPath(name)))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// The notebook exported again, in memory, from its committed data folder.
    static func reexport(_ name: String) throws -> NotebookExporter.Export {
        try NotebookExporter.export(runFolder: "\(folder)/\(name)", name: name)
    }

    /// Every SVG the committed notebook stores.
    static func svgs(_ name: String) throws -> [String] {
        let cells = try json(name)["cells"] as? [[String: Any]] ?? []
        return cells.flatMap { cell in
            (cell["outputs"] as? [[String: Any]] ?? []).compactMap { output in
                ((output["data"] as? [String: Any])?["image/svg+xml"] as? [String])?.joined()
            }
        }
    }
}

/// Python 3 with pandas and matplotlib, for running notebook cells.
enum NotebookPython {
    /// Set (to anything non-empty) in CI: the cell checks then run, and fail if Python lacks the packages.
    static let required = !(ProcessInfo.processInfo.environment["NEUROMOD_REQUIRE_NOTEBOOK_PYTHON"] ?? "").isEmpty

    /// Whether the cell checks run: `python3` on the PATH imports pandas and matplotlib, or they are required.
    static let available: Bool = required || (try? run(["-c", "import pandas, matplotlib"]).status) == 0

    static let skipReason = "needs python3 with pandas and matplotlib (pip install pandas matplotlib); CI sets NEUROMOD_REQUIRE_NOTEBOOK_PYTHON"

    /// Runs `python3 arguments` (found on the PATH); its exit status and combined output.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

extension Notebook {
    /// The charts behind the stored figures, per code cell, in the form scripts/check-notebook-cells.py reads.
    func expectedFigures() throws -> Data {
        var entries: [[String: Any]] = []
        for (index, cell) in cells.enumerated() {
            guard case .code(_, let figures) = cell, !figures.isEmpty else { continue }
            entries.append(["cell": index, "figures": figures.map { $0.drawn.map(\.checkerJSON) ?? [:] }])
        }
        return try JSONSerialization.data(withJSONObject: ["cells": entries])
    }
}

extension Notebook.DrawnFigure {
    /// The chart as JSON objects (NaN as null).
    var checkerJSON: [String: Any] {
        func numbers(_ values: [Double]) -> [Any] { values.map { $0.isNaN ? NSNull() : $0 as Any } }
        switch self {
        case .lines(let plot):
            return ["kind": "lines", "xLog": plot.xScale == .log10, "yLog": plot.yScale == .log10,
                    "series": plot.series.map { s -> [String: Any] in
                        var entry: [String: Any] = ["name": s.name, "x": numbers(s.x), "y": numbers(s.y),
                                                    "style": s.style == .line ? "line" : s.style == .thinLine ? "thinLine" : "points"]
                        if let band = s.band { entry["lower"] = numbers(band.lower); entry["upper"] = numbers(band.upper) }
                        return entry
                    }]
        case .bars(let chart):
            return ["kind": "bars", "labels": chart.bars.map(\.label), "values": numbers(chart.bars.map(\.value)),
                    "errors": chart.bars.map { $0.error.map { $0 as Any } ?? NSNull() }]
        case .heatmap(let map):
            return ["kind": "heatmap", "xTicks": map.xTicks, "yTicks": map.yTicks, "values": map.values.map(numbers)]
        }
    }
}
