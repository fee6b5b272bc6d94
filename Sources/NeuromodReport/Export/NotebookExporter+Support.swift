import Foundation

/// What the study exporters share: reading the run folder, the notebook's opening, tables and figures.
extension NotebookExporter {
    /// Indices of at most `maxPoints` evenly spaced elements of `count` (first and last included):
    /// index `i · (count − 1) / (maxPoints − 1)` in integer division.
    static func thinned(_ count: Int) -> [Int] {
        guard count > maxPoints else { return Array(0..<count) }
        return (0..<maxPoints).map { $0 * (count - 1) / (maxPoints - 1) }
    }

    /// A series of the points `rows` (indices into `x`, `y` and the band), thinned to ``maxPoints``.
    static func series(
        _ name: String, rows: [Int], x: [Double], y: [Double], band: (lower: [Double], upper: [Double])? = nil,
        style: SeriesStyle = .line
    ) -> Series {
        let picked = thinned(rows.count).map { rows[$0] }
        return Series(name: name, x: picked.map { x[$0] }, y: picked.map { y[$0] },
                      band: band.map { b in (lower: picked.map { b.lower[$0] }, upper: picked.map { b.upper[$0] }) }, style: style)
    }

    /// Summaries store non-finite numbers as strings (JSON has none).
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// What every kind's notebook starts from: the run's `spec.yaml` as text, its `summary.json`
    /// decoded as `Summary`, and both files' bytes, to copy beside the notebook.
    struct RunBasics<Summary: Decodable> {
        let specText: String
        let summary: Summary
        /// `spec.yaml` and `summary.json` as they are in the run folder.
        let files: [String: Data]

        init(_ folder: String) throws {
            let spec = try read(folder, "spec.yaml"), data = try read(folder, "summary.json")
            specText = String(decoding: spec, as: UTF8.self)
            do { summary = try decoder().decode(Summary.self, from: data) } catch {
                throw ExportError.badFile((folder as NSString).appendingPathComponent("summary.json"), "\(error)")
            }
            files = ["spec.yaml": spec, "summary.json": data]
        }
    }

    static func read(_ folder: String, _ file: String) throws -> Data {
        let path = (folder as NSString).appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: path) else { throw ExportError.missingFile(path) }
        return data
    }

    /// A CSV file of the run folder.
    static func csv(_ folder: String, _ file: String) throws -> RunFolderCSV {
        try RunFolderCSV(path: (folder as NSString).appendingPathComponent(file))
    }

    /// The spec's `name` and `description` (top-level YAML scalars), for the title: a plain scalar
    /// on the key's line, or a block scalar (`>` folded: its indented lines joined by spaces; `|`
    /// literal: by newlines).
    static func titleAndDescription(specText: String, fallback: String) -> (String, String) {
        let lines = specText.split(separator: "\n", omittingEmptySubsequences: false)
        func value(_ key: String) -> String? {
            guard let i = lines.firstIndex(where: { $0.hasPrefix("\(key):") }) else { return nil }
            let text = lines[i].dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
            guard let style = text.first, style == ">" || style == "|" else { return text }
            let block = lines[(i + 1)...].prefix { $0.isEmpty || $0.first == " " }
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return block.joined(separator: style == ">" ? " " : "\n")
        }
        return (value("name") ?? fallback, value("description") ?? "")
    }

    /// A notebook opening with the study's title, description, `about` (what kind of run it was),
    /// and the spec it ran.
    static func opening(specText: String, name: String, about: String) -> Notebook {
        let (title, description) = titleAndDescription(specText: specText, fallback: name)
        var notebook = Notebook()
        notebook.markdown("""
            # \(title)

            \(description)

            Exported by `neuromod export` from a run folder written by `neuromod run` (\(about)). The data behind every \
            figure is in `\(name)/`; the code cells reload it with pandas and redraw each figure with matplotlib.
            """)
        notebook.markdown("## Spec\n\n```yaml\n\(specText.trimmingCharacters(in: .whitespacesAndNewlines))\n```")
        return notebook
    }

    static func markdownTable(header: [String], rows: [[String]]) -> String {
        let escape = { (s: String) in s.replacingOccurrences(of: "|", with: "\\|") }
        return ([header, header.map { _ in "---" }] + rows).map { "| " + $0.map(escape).joined(separator: " | ") + " |" }
            .joined(separator: "\n")
    }

    /// Mean and sample SD (n − 1; 0 for one value) of the finite values; NaN for none.
    static func meanSD(_ values: [Double]) -> (mean: Double, sd: Double) {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty else { return (.nan, .nan) }
        let mean = finite.reduce(0, +) / Double(finite.count)
        let sd = finite.count > 1 ? (finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count - 1)).squareRoot() : 0
        return (mean, sd)
    }

    static func format(_ value: Double) -> String { String(format: "%.4g", value) }

    static func figure(_ plot: LinePlot, _ alt: String) throws -> Notebook.StoredFigure {
        Notebook.StoredFigure(svg: try plot.svg(), altText: alt, drawn: .lines(plot))
    }

    static func figure(_ chart: BarChart, _ alt: String) throws -> Notebook.StoredFigure {
        Notebook.StoredFigure(svg: try chart.svg(), altText: alt, drawn: .bars(chart))
    }

    static func figure(_ map: Heatmap, _ alt: String) throws -> Notebook.StoredFigure {
        Notebook.StoredFigure(svg: try map.svg(), altText: alt, drawn: .heatmap(map))
    }
}
