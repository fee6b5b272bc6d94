import Foundation

/// A Jupyter notebook in nbformat 4.5, built cell by cell and encoded as the JSON every notebook
/// viewer reads (GitHub, JupyterLab, VS Code). Figures are stored as `image/svg+xml` outputs of
/// code cells, so the notebook shows them without being run.
public struct Notebook: Sendable {
    public private(set) var cells: [Cell] = []

    public init() {}

    /// One cell: Markdown text, or Python code with optional stored outputs.
    public enum Cell: Sendable, Equatable {
        case markdown(String)
        /// Code and, when it is shown run, its SVG figures (each with a plain-text alternative).
        case code(String, figures: [StoredFigure])
    }

    /// A figure stored as a display output.
    public struct StoredFigure: Sendable, Equatable {
        public var svg: String
        public var altText: String
        /// What the SVG was drawn from, kept in memory for checks (the cell that redraws it must plot
        /// the same series); not written to the notebook file. Equality ignores it.
        public var drawn: DrawnFigure?

        public init(svg: String, altText: String, drawn: DrawnFigure? = nil) {
            self.svg = svg
            self.altText = altText
            self.drawn = drawn
        }

        public static func == (a: StoredFigure, b: StoredFigure) -> Bool { a.svg == b.svg && a.altText == b.altText }
    }

    /// The chart behind a stored figure.
    public enum DrawnFigure: Sendable {
        case lines(LinePlot)
        case bars(BarChart)
        case heatmap(Heatmap)
    }

    public mutating func markdown(_ text: String) { cells.append(.markdown(text)) }

    public mutating func code(_ source: String, figures: [StoredFigure] = []) {
        cells.append(.code(source, figures: figures))
    }

    /// The notebook as nbformat-4.5 JSON (keys sorted, so the same notebook gives the same bytes).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(NotebookFile(cells: cells.enumerated().map { CellFile($1, index: $0) }))
    }
}

// MARK: - nbformat 4.5 JSON

private struct NotebookFile: Encodable {
    var cells: [CellFile]
    var metadata = NotebookMetadata()
    var nbformat = 4
    var nbformat_minor = 5
}

private struct NotebookMetadata: Encodable {
    var kernelspec = ["display_name": "Python 3", "language": "python", "name": "python3"]
    var language_info = ["name": "python"]
}

private struct CellFile: Encodable {
    var id: String
    var cellType: String
    var source: [String]
    var outputs: [OutputFile]?

    init(_ cell: Notebook.Cell, index: Int) {
        id = "cell-\(index)"
        switch cell {
        case .markdown(let text):
            cellType = "markdown"
            source = Self.lines(text)
        case .code(let text, let figures):
            cellType = "code"
            source = Self.lines(text)
            outputs = figures.map(OutputFile.init)
        }
    }

    /// nbformat stores multi-line strings as lists of lines, each keeping its newline.
    static func lines(_ text: String) -> [String] {
        var lines = text.components(separatedBy: "\n").map { $0 + "\n" }
        if let last = lines.last { lines[lines.count - 1] = String(last.dropLast()) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    enum CodingKeys: String, CodingKey { case id, cell_type, source, metadata, outputs, execution_count }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(cellType, forKey: .cell_type)
        try c.encode(source, forKey: .source)
        try c.encode([String: String](), forKey: .metadata)
        if let outputs {
            try c.encode(outputs, forKey: .outputs)
            try c.encodeNil(forKey: .execution_count)
        }
    }
}

private struct OutputFile: Encodable {
    var output_type = "display_data"
    var data: [String: [String]]
    var metadata = [String: String]()

    init(_ figure: Notebook.StoredFigure) {
        data = ["image/svg+xml": CellFile.lines(figure.svg), "text/plain": [figure.altText]]
    }
}
