import Foundation
import NeuromodTestSupport
import Testing
@testable import NeuromodReport

/// The committed notebooks (`Notebooks-export/`): exported from the data folders beside them, and
/// their code cells, run as shipped, redraw the figures they store.
@Suite("committed notebooks")
struct NotebookCellTests {
    /// Each committed notebook's code cells and stored figures are what exporting its data folder
    /// gives today (so the checks below compare the cells with the series the SVGs were drawn from).
    @Test func committedNotebooksAreTheirDataFoldersExported() throws {
        #expect(CommittedNotebooks.names.count >= 10, "\(CommittedNotebooks.names)")
        for name in CommittedNotebooks.names {
            let fresh = try CommittedNotebooks.reexport(name).notebook
            let stored = try CommittedNotebooks.json(name)["cells"] as? [[String: Any]] ?? []
            let freshCode = fresh.cells.compactMap { cell -> String? in
                if case .code(let source, _) = cell { return source } else { return nil }
            }
            let storedCode = stored.filter { $0["cell_type"] as? String == "code" }.map { ($0["source"] as? [String] ?? []).joined() }
            let firstDifference = freshCode.indices.first { $0 >= storedCode.count || freshCode[$0] != storedCode[$0] } ?? freshCode.count
            #expect(freshCode == storedCode ? true : false,
                    "\(name).ipynb: code cell \(firstDifference) differs from a fresh export (run `neuromod export`)")
            let freshSVGs = fresh.cells.flatMap { cell -> [String] in
                if case .code(_, let figures) = cell { return figures.map(\.svg) } else { return [] }
            }
            let same = freshSVGs == (try CommittedNotebooks.svgs(name))
            #expect(same, "\(name).ipynb: stored figures differ from a fresh export")
        }
    }

    /// Runs every committed notebook's cells with matplotlib (Agg) and compares each figure's lines,
    /// bands, bars and heatmap arrays with the series its stored SVG was drawn from
    /// (scripts/check-notebook-cells.py: relative tolerance 1e-9, as the data files hold shortest
    /// round-trip decimals); also that every matplotlib label stays inside its figure.
    @Test(.enabled(if: NotebookPython.available, Comment(rawValue: NotebookPython.skipReason)))
    func cellsRedrawTheStoredFigures() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("neuromod-cells-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let script = TestData.packageRoot.appendingPathComponent("scripts/check-notebook-cells.py").path
        for name in CommittedNotebooks.names {
            let expected = scratch.appendingPathComponent("\(name).json")
            try CommittedNotebooks.reexport(name).notebook.expectedFigures().write(to: expected)
            let result = try NotebookPython.run([script, CommittedNotebooks.notebookPath(name), expected.path])
            #expect(result.status == 0, "\(name).ipynb:\n\(result.output)")
        }
    }

    /// No `<text>` of any SVG in the committed notebooks leaves its canvas (width estimated as
    /// characters × font size × 0.6, rotation applied).
    @Test func noCommittedLabelLeavesItsCanvas() throws {
        for name in CommittedNotebooks.names {
            for (i, svg) in try CommittedNotebooks.svgs(name).enumerated() {
                let outside = SVGTextBounds(svg).outside()
                #expect(outside.isEmpty, "\(name).ipynb figure \(i): \(outside)")
            }
        }
    }
}
