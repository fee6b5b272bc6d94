/// Learning curves and other x–y data as a standalone SVG: lines, per-run traces, markers and
/// translucent bands (e.g. mean ± SD), on linear or log10 axes, with a legend.
///
/// ```swift
/// let plot = LinePlot(
///     title: "thesis-sinusoid", xLabel: "update", yLabel: "train loss", yScale: .log10,
///     series: [Series(name: "WP", x: steps, y: mean, band: (lower: q05, upper: q95))])
/// try plot.svg().write(to: url, atomically: true, encoding: .utf8)
/// ```
///
/// Drawing order, bottom to top: grid, bands, `.thinLine` traces, `.line` series, `.points`,
/// legend. Each series' path (or group of markers, or band) carries `data-series="NAME"`.
/// The axes are widened to whole nice ticks (linear) or whole decades (log10) around all x, y and
/// band values, so nothing is clipped.
public struct LinePlot: Sendable {
    /// The figure's title, drawn on top and stored in the SVG `<title>`.
    public var title: String
    /// The label under the x axis.
    public var xLabel: String
    /// The label left of the y axis.
    public var yLabel: String
    /// The x axis's scale; `.log10` needs every x > 0.
    public var xScale: AxisScale
    /// The y axis's scale; `.log10` needs every y and band bound > 0.
    public var yScale: AxisScale
    /// What to draw, in order; at least one series with at least one point.
    public var series: [Series]
    /// The figure's width in SVG user units (px); at least 200.
    public var width: Double = 640
    /// The figure's height in SVG user units (px); at least 150.
    public var height: Double = 400

    /// A line plot of `series`.
    public init(
        title: String, xLabel: String, yLabel: String, xScale: AxisScale = .linear, yScale: AxisScale = .linear,
        series: [Series], width: Double = 640, height: Double = 400
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.series = series
        self.width = width
        self.height = height
    }

    /// The figure as a complete SVG document.
    ///
    /// The same plot always gives byte-identical text.
    /// - Throws: `FigureError.emptyData` without series or points, `.shapeMismatch` when x, y and
    ///   band lengths differ or the size is too small, `.nonFinite` for NaN or ±∞ anywhere,
    ///   `.invalidScale` for a value ≤ 0 on a log10 axis.
    public func svg() throws -> String {
        try validate()
        let xs = series.flatMap(\.x)
        let ys = series.flatMap { s in s.y + (s.band.map { $0.lower + $0.upper } ?? []) }
        try Axis.checkSpan(figure: title, axis: "x", lo: xs.min()!, hi: xs.max()!)
        try Axis.checkSpan(figure: title, axis: "y", lo: ys.min()!, hi: ys.max()!)
        let xAxis = Axis(scale: xScale, dataMin: xs.min()!, dataMax: xs.max()!, targetTicks: max(3, Int(width / 110)))
        let yAxis = Axis(scale: yScale, dataMin: ys.min()!, dataMax: ys.max()!, targetTicks: max(3, Int(height / 80)))

        // One colour per distinct name, in order of first appearance.
        var colorIndex: [String: Int] = [:]
        for s in series where colorIndex[s.name] == nil { colorIndex[s.name] = colorIndex.count }
        let legend = PlotLegend(series)
        let frame = try PlotFrame.fitting(
            figure: title, width: width, height: height, yTicks: yAxis.ticks, rightMargin: 20 + legend.width)

        var svg = SVGWriter()
        PlotFrame.drawTitle(&svg, title, figureWidth: width)
        frame.drawYAxis(&svg, yAxis, label: yLabel)
        frame.drawXAxis(&svg, xAxis, label: xLabel)
        drawData(&svg, frame: frame, xAxis: xAxis, yAxis: yAxis, colorIndex: colorIndex)
        legend.draw(&svg, frame: frame, colorIndex: colorIndex)
        return svg.document(width: width, height: height, title: title)
    }

    /// Checks everything `svg()` promises to reject, in the order: size, emptiness, lengths,
    /// finiteness, log-axis positivity.
    func validate() throws {
        guard width.isFinite, height.isFinite, width >= 200, height >= 150 else {
            throw FigureError.shapeMismatch(
                figure: title, what: "the size \(NumberFormat.compact(width))×\(NumberFormat.compact(height)) is too small; need at least 200×150")
        }
        if series.isEmpty { throw FigureError.emptyData(figure: title, what: "the list of series") }
        for s in series {
            if s.x.isEmpty && s.y.isEmpty { throw FigureError.emptyData(figure: title, what: "series '\(s.name)'") }
            guard s.x.count == s.y.count else {
                throw FigureError.shapeMismatch(
                    figure: title, what: "series '\(s.name)' has \(s.x.count) x values and \(s.y.count) y values")
            }
            if let band = s.band, band.lower.count != s.x.count || band.upper.count != s.x.count {
                throw FigureError.shapeMismatch(
                    figure: title,
                    what: "series '\(s.name)' has \(s.x.count) points but its band has \(band.lower.count) lower and \(band.upper.count) upper values")
            }
            let parts: [(String, [Double], AxisScale, String)] = [
                ("x", s.x, xScale, s.name), ("y", s.y, yScale, s.name),
                ("y", s.band?.lower ?? [], yScale, s.name + " band lower"),
                ("y", s.band?.upper ?? [], yScale, s.name + " band upper"),
            ]
            for (axis, values, scale, label) in parts {
                if let i = values.firstIndex(where: { !$0.isFinite }) {
                    throw FigureError.nonFinite(figure: title, series: label, index: i)
                }
                if scale == .log10, let i = values.firstIndex(where: { $0 <= 0 }) {
                    throw FigureError.invalidScale(
                        figure: title, axis: axis,
                        reason: "log10 needs values > 0, but series '\(label)' has \(NumberFormat.compact(values[i])) at index \(i)")
                }
            }
        }
    }
}
