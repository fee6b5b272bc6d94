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
        guard width.isFinite, height.isFinite, width >= 200, height >= 150 else {
            throw FigureError.shapeMismatch(
                figure: title, what: "the size \(NumberFormat.compact(width))×\(NumberFormat.compact(height)) is too small; need at least 200×150")
        }
        guard let columns = values.first?.count, columns > 0 else {
            throw FigureError.emptyData(figure: title, what: "values")
        }
        let rows = values.count
        for (r, row) in values.enumerated() {
            guard row.count == columns else {
                throw FigureError.shapeMismatch(figure: title, what: "values row \(r) has \(row.count) cells but row 0 has \(columns)")
            }
            if let c = row.firstIndex(where: { $0.isInfinite }) {
                throw FigureError.nonFinite(figure: title, series: "values row \(r)", index: c)
            }
        }
        if !xTicks.isEmpty && xTicks.count != columns {
            throw FigureError.shapeMismatch(figure: title, what: "\(xTicks.count) xTicks for \(columns) columns")
        }
        if !yTicks.isEmpty && yTicks.count != rows {
            throw FigureError.shapeMismatch(figure: title, what: "\(yTicks.count) yTicks for \(rows) rows")
        }
        let finite = values.flatMap { $0 }.filter { $0.isFinite }
        guard var lo = finite.min(), var hi = finite.max() else {
            throw FigureError.emptyData(figure: title, what: "the set of finite (non-NaN) cells")
        }
        if let range = colorRange {
            guard range.lowerBound.isFinite, range.upperBound.isFinite, range.upperBound > range.lowerBound else {
                throw FigureError.invalidScale(
                    figure: title, axis: "color",
                    reason: "colorRange \(NumberFormat.compact(range.lowerBound))…\(NumberFormat.compact(range.upperBound)) must be finite and not empty")
            }
            lo = range.lowerBound; hi = range.upperBound
        }
        try Axis.checkSpan(figure: title, axis: "color", lo: lo, hi: hi)
        if hi == lo {
            // Every cell equal: one colour (the middle of the map), a colour bar around it.
            let half = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= half; hi += half
        }
        func t(_ v: Double) -> Double { (v - lo) / (hi - lo) }

        let xNames = xTicks.isEmpty ? (0..<columns).map(String.init) : xTicks
        let yNames = yTicks.isEmpty ? (0..<rows).map(String.init) : yTicks
        let xName = xLabel.isEmpty ? "column" : xLabel, yName = yLabel.isEmpty ? "row" : yLabel
        let yTickWidth = min(width * 0.4, (yNames.map { PlotFrame.textWidth($0) }.max() ?? 0))
        let colorBarWidth = 16.0, colorBarSpace = 90.0
        let longestX = xNames.map { PlotFrame.textWidth($0) }.max() ?? 0
        let left = 40 + yTickWidth, frameWidth = width - 40 - yTickWidth - 20 - colorBarSpace
        let cellWidth = frameWidth / Double(columns)
        let rotate = longestX > cellWidth - 4
        // Turned x labels: at most 100 px, and no further left than the first column's centre allows;
        // the bottom margin deepens to hold them above the axis label.
        let xLabelWidth = rotate ? min(100, max(12, (left + cellWidth / 2 - 2 - 4.8) / 0.866)) : longestX
        let bottomMargin = rotate ? max(56, 18 + TextFit.turnedDepth(width: xLabelWidth, lines: 1) + 28) : 56
        let frame = PlotFrame(left: left, top: 40, width: frameWidth, height: height - 40 - bottomMargin)
        guard frame.width >= 40, frame.height >= 40 else {
            throw FigureError.shapeMismatch(
                figure: title,
                what: "the size \(NumberFormat.compact(width))×\(NumberFormat.compact(height)) leaves no room for the cells once labels and colour bar are drawn; make the figure larger or the labels shorter")
        }
        let cellHeight = frame.height / Double(rows)
        let fontSize = min(12, max(7, min(cellWidth / 4.5, cellHeight / 2)))

        var svg = SVGWriter()
        PlotFrame.drawTitle(&svg, title, figureWidth: width)
        svg.group("g", [("class", "cells"), ("data-series", "values")]) { svg in
            for r in 0..<rows {
                for c in 0..<columns {
                    let v = values[r][c]
                    let x = frame.left + Double(c) * cellWidth, y = frame.top + Double(r) * cellHeight
                    let label = v.isNaN ? "NaN" : NumberFormat.compact(v)
                    svg.group("g", [("class", v.isNaN ? "cell missing" : "cell")]) { svg in
                        svg.text("title", [], "\(yName) = \(yNames[r]), \(xName) = \(xNames[c]): \(label)")
                        svg.element("rect", [
                            ("x", px(x)), ("y", px(y)), ("width", px(cellWidth)), ("height", px(cellHeight)),
                            ("fill", v.isNaN ? Heatmap.missingColor : Colormap.viridis(t(v))),
                        ])
                        if showValues {
                            let white = !v.isNaN && Colormap.prefersWhiteText(t(v))
                            svg.text("text", [
                                ("x", px(x + cellWidth / 2)), ("y", px(y + cellHeight / 2 + fontSize * 0.35)),
                                ("text-anchor", "middle"), ("font-size", NumberFormat.fixed(fontSize, decimals: 1)),
                                ("fill", white ? "#ffffff" : "#000000"),
                            ], label)
                        }
                    }
                }
            }
        }
        svg.group("g", [("class", "y-axis")]) { svg in
            // Every label when rows are at least 14 px apart, otherwise every k-th.
            let rowStride = max(1, Int((14 / cellHeight).rounded(.up)))
            for (r, name) in yNames.enumerated() where r % rowStride == 0 {
                let y = frame.top + (Double(r) + 0.5) * cellHeight + 4
                svg.label([
                    ("class", "tick-label"), ("x", px(frame.left - 6)), ("y", px(y)),
                    ("text-anchor", "end"), ("fill", PlotFrame.textColor),
                ], lines: [TextFit.truncated(name, maxWidth: yTickWidth)], full: name, x: frame.left - 6, y: y)
            }
            let cx = 16.0, cy = frame.top + frame.height / 2
            svg.label([
                ("class", "axis-label"), ("x", px(cx)), ("y", px(cy)), ("text-anchor", "middle"),
                ("transform", "rotate(-90 \(px(cx)) \(px(cy)))"), ("font-size", "13"), ("fill", PlotFrame.textColor),
            ], lines: [TextFit.truncated(yLabel, maxWidth: frame.height + 72, fontSize: 13)], full: yLabel, x: cx, y: cy)
        }
        svg.group("g", [("class", "x-axis")]) { svg in
            let columnStride = rotate ? max(1, Int((14 / cellWidth).rounded(.up))) : 1
            for (c, name) in xNames.enumerated() where c % columnStride == 0 {
                let x = frame.left + (Double(c) + 0.5) * cellWidth, y = frame.bottom + 18
                var attributes: [(String, String)] = [
                    ("class", "tick-label"), ("x", px(x)), ("y", px(y)), ("text-anchor", rotate ? "end" : "middle"),
                    ("fill", PlotFrame.textColor),
                ]
                if rotate { attributes.append(("transform", "rotate(-30 \(px(x)) \(px(y)))")) }
                svg.label(attributes, lines: [TextFit.truncated(name, maxWidth: xLabelWidth)], full: name, x: x, y: y)
            }
            let cx = frame.left + frame.width / 2, cy = frame.bottom + bottomMargin - 14
            svg.label([
                ("class", "axis-label"), ("x", px(cx)), ("y", px(cy)),
                ("text-anchor", "middle"), ("font-size", "13"), ("fill", PlotFrame.textColor),
            ], lines: [TextFit.truncated(xLabel, maxWidth: frame.width + 32, fontSize: 13)], full: xLabel, x: cx, y: cy)
        }
        // The colour bar: 64 stacked bands (no gradient ids, so several figures can share a page).
        let barLeft = frame.right + 16, steps = 64
        svg.group("g", [("class", "colorbar"), ("data-series", "colorbar")]) { svg in
            let bandHeight = frame.height / Double(steps)
            for k in 0..<steps {
                let y = frame.bottom - Double(k + 1) * bandHeight
                svg.element("rect", [
                    ("x", px(barLeft)), ("y", px(y)), ("width", px(colorBarWidth)), ("height", px(bandHeight + 0.5)),
                    ("fill", Colormap.viridis((Double(k) + 0.5) / Double(steps))),
                ])
            }
            svg.element("rect", [
                ("x", px(barLeft)), ("y", px(frame.top)), ("width", px(colorBarWidth)), ("height", px(frame.height)),
                ("fill", "none"), ("stroke", PlotFrame.axisColor), ("stroke-width", "0.5"),
            ])
            for tick in Axis.ticksInside(lo: lo, hi: hi, targetTicks: 5) {
                let y = frame.bottom - t(tick.value) * frame.height
                svg.element("line", [
                    ("x1", px(barLeft + colorBarWidth)), ("y1", px(y)), ("x2", px(barLeft + colorBarWidth + 4)), ("y2", px(y)),
                    ("stroke", PlotFrame.axisColor), ("stroke-width", "1"),
                ])
                svg.text("text", [
                    ("class", "tick-label"), ("x", px(barLeft + colorBarWidth + 7)), ("y", px(y + 4)),
                    ("fill", PlotFrame.textColor), ("font-size", "11"),
                ], tick.label)
            }
            let cx = barLeft + colorBarWidth + 70, cy = frame.top + frame.height / 2
            svg.label([
                ("class", "axis-label"), ("x", px(cx)), ("y", px(cy)), ("text-anchor", "middle"),
                ("transform", "rotate(-90 \(px(cx)) \(px(cy)))"), ("font-size", "13"), ("fill", PlotFrame.textColor),
            ], lines: [TextFit.truncated(colorLabel, maxWidth: frame.height, fontSize: 13)], full: colorLabel, x: cx, y: cy)
        }
        return svg.document(width: width, height: height, title: title)
    }
}
