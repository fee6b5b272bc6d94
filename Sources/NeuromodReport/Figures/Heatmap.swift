/// A grid of values (e.g. final loss over a delay × trace-length sweep) as coloured cells with a
/// colour bar, as a standalone SVG.
///
/// `values[r][c]` is drawn in row `r` (row 0 at the top, as in a table) and column `c` (column 0
/// on the left). Cells are coloured by viridis from the smallest finite value (dark purple) to the
/// largest (yellow), or over `colorRange` when given; NaN cells (a run that diverged, a
/// combination not run) are drawn grey and labelled "NaN". All cells sit in one group carrying
/// `data-series="values"`; each cell has a `<title>` tooltip with its row, column and value.
/// When cells are too narrow for every tick label, every k-th label is drawn.
public struct Heatmap: Sendable {
    /// The figure's title, drawn on top and stored in the SVG `<title>`.
    public var title: String
    /// The label under the columns.
    public var xLabel: String
    /// The label left of the rows.
    public var yLabel: String
    /// The label beside the colour bar, e.g. `"final loss"`.
    public var colorLabel: String
    /// One label per column, or empty for 0, 1, 2, …
    public var xTicks: [String]
    /// One label per row, or empty for 0, 1, 2, …
    public var yTicks: [String]
    /// The cells, `[row][column]`; every row as long as the first. NaN allowed, ±∞ not.
    public var values: [[Double]]
    /// Whether each cell prints its value (3 significant digits). Defaults to true for at most
    /// 100 cells.
    public var showValues: Bool
    /// The values mapped to the ends of the colour map; values outside are clamped to its ends.
    /// `nil` (the default) uses the smallest and largest finite cell.
    public var colorRange: ClosedRange<Double>?
    /// The figure's width in SVG user units (px); at least 200.
    public var width: Double = 640
    /// The figure's height in SVG user units (px); at least 150.
    public var height: Double = 400

    /// A heatmap of `values` (`[row][column]`).
    public init(
        title: String, xLabel: String, yLabel: String, colorLabel: String, xTicks: [String] = [],
        yTicks: [String] = [], values: [[Double]], showValues: Bool? = nil, colorRange: ClosedRange<Double>? = nil,
        width: Double = 640, height: Double = 400
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorLabel = colorLabel
        self.xTicks = xTicks
        self.yTicks = yTicks
        self.values = values
        self.showValues = showValues ?? (values.reduce(0) { $0 + $1.count } <= 100)
        self.colorRange = colorRange
        self.width = width
        self.height = height
    }

    /// The grey of a NaN cell.
    static let missingColor = "#bdbdbd"

    /// The figure as a complete SVG document; the same heatmap always gives byte-identical text.
    /// - Throws: `FigureError.emptyData` without rows or columns or without a finite cell,
    ///   `.shapeMismatch` for ragged rows, tick counts that differ from the grid, or a size below
    ///   200×150, `.nonFinite` for a ±∞ cell (series `"values row R"`, index = column),
    ///   `.invalidScale` for a `colorRange` that is empty or not finite.
    public func svg() throws -> String {
        let (lo, hi) = try checkedColorRange()
        let layout = try self.layout()
        var svg = SVGWriter()
        PlotFrame.drawTitle(&svg, title, figureWidth: width)
        drawCells(&svg, layout, lo: lo, hi: hi)
        drawTickLabels(&svg, layout)
        drawColorBar(&svg, layout.frame, lo: lo, hi: hi)
        return svg.document(width: width, height: height, title: title)
    }
}
