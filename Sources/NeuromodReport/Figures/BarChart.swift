/// One bar of a `BarChart`: a category, its value and an optional error (e.g. SD or a 95 % half-width).
public struct Bar: Sendable, Equatable {
    /// The category label under the bar, and the bar's `data-series` attribute.
    public var label: String
    /// The bar's height in data units; finite, may be negative (drawn down from 0).
    public var value: Double
    /// A symmetric error drawn as a whisker from value − error to value + error; finite and ≥ 0.
    public var error: Double?

    /// A bar labelled `label` of height `value`, with an optional whisker of ± `error`.
    public init(label: String, value: Double, error: Double? = nil) {
        self.label = label
        self.value = value
        self.error = error
    }
}

/// Values per category (e.g. final loss per method) as bars from 0 with optional error bars, as a
/// standalone SVG.
///
/// The y axis is linear, always includes 0, and is widened to whole nice ticks around every
/// value ± error. Bars take the Okabe–Ito colours in order; each bar's group carries
/// `data-series="LABEL"`. Labels wider than their slot are turned by 30° and wrapped onto two
/// lines of at most 150 px (shortened with "…", the full label as a tooltip); the bottom and left
/// margins grow so that they stay inside the figure.
public struct BarChart: Sendable {
    /// The figure's title, drawn on top and stored in the SVG `<title>`.
    public var title: String
    /// The label left of the y axis.
    public var yLabel: String
    /// The bars, left to right; at least one.
    public var bars: [Bar]
    /// The figure's width in SVG user units (px); at least 200.
    public var width: Double = 640
    /// The figure's height in SVG user units (px); at least 150.
    public var height: Double = 400

    /// A bar chart of `bars`.
    public init(title: String, yLabel: String, bars: [Bar], width: Double = 640, height: Double = 400) {
        self.title = title
        self.yLabel = yLabel
        self.bars = bars
        self.width = width
        self.height = height
    }

    /// The figure as a complete SVG document; the same chart always gives byte-identical text.
    /// - Throws: `FigureError.emptyData` without bars, `.nonFinite` for a NaN or ±∞ value or
    ///   error, `.invalidScale` for a negative error, `.shapeMismatch` for a size below 200×150.
    public func svg() throws -> String {
        guard width.isFinite, height.isFinite, width >= 200, height >= 150 else {
            throw FigureError.shapeMismatch(
                figure: title, what: "the size \(NumberFormat.compact(width))×\(NumberFormat.compact(height)) is too small; need at least 200×150")
        }
        if bars.isEmpty { throw FigureError.emptyData(figure: title, what: "the list of bars") }
        for (i, bar) in bars.enumerated() {
            if !bar.value.isFinite { throw FigureError.nonFinite(figure: title, series: bar.label, index: i) }
            if let e = bar.error {
                if !e.isFinite { throw FigureError.nonFinite(figure: title, series: bar.label + " error", index: i) }
                if e < 0 {
                    throw FigureError.invalidScale(
                        figure: title, axis: "y", reason: "bar '\(bar.label)' (index \(i)) has a negative error \(NumberFormat.compact(e))")
                }
            }
        }
        let lows = bars.map { $0.value - ($0.error ?? 0) }, highs = bars.map { $0.value + ($0.error ?? 0) }
        try Axis.checkSpan(figure: title, axis: "y", lo: min(0, lows.min()!), hi: max(0, highs.max()!))
        let yAxis = Axis(
            scale: .linear, dataMin: lows.min()!, dataMax: highs.max()!, targetTicks: max(3, Int(height / 80)),
            includeZero: true)
        let layout = try labelLayout(yTicks: yAxis.ticks)
        let frame = layout.frame, rotate = layout.rotate
        let slot = frame.width / Double(bars.count)
        let barWidth = slot * 0.7

        var svg = SVGWriter()
        PlotFrame.drawTitle(&svg, title, figureWidth: width)
        frame.drawYAxis(&svg, yAxis, label: yLabel)
        let zero = frame.y(yAxis.fraction(0))
        svg.group("g", [("class", "bars")]) { svg in
            for (i, bar) in bars.enumerated() {
                let center = frame.left + slot * (Double(i) + 0.5)
                let top = frame.y(yAxis.fraction(bar.value))
                svg.group("g", [("class", "bar"), ("data-series", bar.label)]) { svg in
                    svg.element("rect", [
                        ("x", px(center - barWidth / 2)), ("y", px(min(top, zero))),
                        ("width", px(barWidth)), ("height", px(abs(zero - top))),
                        ("fill", Colormap.categorical(i)),
                    ])
                    if let e = bar.error, e > 0 {
                        let hi = frame.y(yAxis.fraction(bar.value + e)), lo = frame.y(yAxis.fraction(bar.value - e))
                        let cap = min(8, barWidth / 4)
                        let d = "M \(px(center)) \(px(lo)) L \(px(center)) \(px(hi))"
                            + " M \(px(center - cap)) \(px(hi)) L \(px(center + cap)) \(px(hi))"
                            + " M \(px(center - cap)) \(px(lo)) L \(px(center + cap)) \(px(lo))"
                        svg.element("path", [
                            ("class", "error-bar"), ("d", d), ("stroke", "#222222"), ("stroke-width", "1.5"), ("fill", "none"),
                        ])
                    }
                    let ly = frame.bottom + 18
                    var attributes: [(String, String)] = [
                        ("class", "tick-label"), ("x", px(center)), ("y", px(ly)),
                        ("text-anchor", rotate ? "end" : "middle"), ("fill", PlotFrame.textColor),
                    ]
                    if rotate { attributes.append(("transform", "rotate(-30 \(px(center)) \(px(ly)))")) }
                    svg.label(attributes, lines: layout.lines[i], full: bar.label, x: center, y: ly)
                }
            }
        }
        svg.element("line", [
            ("class", "zero"), ("x1", px(frame.left)), ("y1", px(zero)), ("x2", px(frame.right)), ("y2", px(zero)),
            ("stroke", PlotFrame.axisColor), ("stroke-width", "1"),
        ])
        return svg.document(width: width, height: height, title: title)
    }

    /// The plot area and the bar labels' lines: level and whole when every label fits its slot,
    /// else turned and wrapped, with the bottom margin deep enough for them and the left margin
    /// wide enough that the first bar's label stays inside.
    private func labelLayout(yTicks: [Tick]) throws -> (frame: PlotFrame, rotate: Bool, lines: [[String]]) {
        let level = try PlotFrame.fitting(figure: title, width: width, height: height, yTicks: yTicks, rightMargin: 20)
        let slot = level.width / Double(bars.count)
        if bars.allSatisfy({ PlotFrame.textWidth($0.label) <= slot - 4 }) { return (level, false, bars.map { [$0.label] }) }
        let lines = bars.map { TextFit.wrapped($0.label, maxWidth: 150, maxLines: 2) }
        let widest = lines.flatMap { $0 }.map { PlotFrame.textWidth($0) }.max() ?? 0
        let depth = TextFit.turnedDepth(width: widest, lines: lines.map(\.count).max() ?? 1)
        // The first label's anchor is left + slot / 2, slot = (width − left − 20) / n; it must reach no further than x = 2.
        let n = Double(bars.count), reach = TextFit.turnedReach(width: widest) + 2
        let minLeft = (reach - (width - 20) / (2 * n)) / (1 - 1 / (2 * n))
        let frame = try PlotFrame.fitting(
            figure: title, width: width, height: height, yTicks: yTicks, rightMargin: 20,
            bottomMargin: max(56, 18 + depth + 4), minLeft: minLeft)
        return (frame, true, lines)
    }
}
