/// The parts of a heatmap's SVG, in drawing order after the title.
extension Heatmap {
    /// Where everything goes: tick names, the plot area, cell sizes, and how x labels are drawn.
    struct Layout {
        var xNames: [String], yNames: [String]
        /// The widest a y tick label may be, and the room left for them.
        var yTickWidth: Double
        var frame: PlotFrame
        var cellWidth: Double, cellHeight: Double
        /// Whether x tick labels are turned by 30°, and the widest they may be.
        var rotate: Bool, xLabelWidth: Double
        var bottomMargin: Double
        /// The size of the values printed in the cells.
        var fontSize: Double
    }

    /// The colour map's ends after checking everything `svg()` promises to reject; equal ends are
    /// widened around the value (±10 %, or ±1 around 0).
    func checkedColorRange() throws -> (lo: Double, hi: Double) {
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
        return (lo, hi)
    }

    /// The layout of the cells, ticks and colour bar.
    /// - Throws: `FigureError.shapeMismatch` when less than 40 × 40 px are left for the cells.
    func layout() throws -> Layout {
        let columns = values[0].count, rows = values.count
        let xNames = xTicks.isEmpty ? (0..<columns).map(String.init) : xTicks
        let yNames = yTicks.isEmpty ? (0..<rows).map(String.init) : yTicks
        let yTickWidth = min(width * 0.4, (yNames.map { PlotFrame.textWidth($0) }.max() ?? 0))
        let colorBarSpace = 90.0  // the colour bar (16 px), its ticks and its label
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
        return Layout(xNames: xNames, yNames: yNames, yTickWidth: yTickWidth, frame: frame, cellWidth: cellWidth,
                      cellHeight: cellHeight, rotate: rotate, xLabelWidth: xLabelWidth, bottomMargin: bottomMargin, fontSize: fontSize)
    }

    /// Every cell with its tooltip (and value, when `showValues`), coloured over `lo…hi`.
    func drawCells(_ svg: inout SVGWriter, _ layout: Layout, lo: Double, hi: Double) {
        let (frame, cellWidth, cellHeight, fontSize) = (layout.frame, layout.cellWidth, layout.cellHeight, layout.fontSize)
        let (xNames, yNames) = (layout.xNames, layout.yNames)
        let rows = values.count, columns = values[0].count
        let xName = xLabel.isEmpty ? "column" : xLabel, yName = yLabel.isEmpty ? "row" : yLabel
        func t(_ v: Double) -> Double { (v - lo) / (hi - lo) }
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
    }

    /// The row and column names and the axis labels.
    func drawTickLabels(_ svg: inout SVGWriter, _ layout: Layout) {
        let (frame, cellWidth, cellHeight, rotate) = (layout.frame, layout.cellWidth, layout.cellHeight, layout.rotate)
        let (xNames, yNames, yTickWidth) = (layout.xNames, layout.yNames, layout.yTickWidth)
        let (xLabelWidth, bottomMargin) = (layout.xLabelWidth, layout.bottomMargin)
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
            PlotFrame.drawSideLabel(&svg, yLabel, cx: cx, cy: cy, maxWidth: frame.height + 72)
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
    }

    /// The colour bar right of the cells, with ticks over `lo…hi` and the colour label.
    func drawColorBar(_ svg: inout SVGWriter, _ frame: PlotFrame, lo: Double, hi: Double) {
        let colorBarWidth = 16.0
        func t(_ v: Double) -> Double { (v - lo) / (hi - lo) }
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
            PlotFrame.drawSideLabel(&svg, colorLabel, cx: cx, cy: cy, maxWidth: frame.height)
        }
    }
}
