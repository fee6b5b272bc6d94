extension LinePlot {
    /// The data layers, bottom to top: bands, `.thinLine` traces, `.line` series, `.points`;
    /// `colorIndex` gives each series name its palette colour.
    func drawData(_ svg: inout SVGWriter, frame: PlotFrame, xAxis: Axis, yAxis: Axis, colorIndex: [String: Int]) {
        func color(_ s: Series) -> String { Colormap.categorical(colorIndex[s.name]!) }
        func point(_ x: Double, _ y: Double) -> String {
            "\(px(frame.x(xAxis.fraction(x)))) \(px(frame.y(yAxis.fraction(y))))"
        }
        svg.group("g", [("class", "bands")]) { svg in
            for s in series {
                guard let band = s.band else { continue }
                var d = "M " + point(s.x[0], band.upper[0])
                for i in s.x.indices.dropFirst() { d += " L " + point(s.x[i], band.upper[i]) }
                for i in s.x.indices.reversed() { d += " L " + point(s.x[i], band.lower[i]) }
                d += " Z"
                svg.element("path", [
                    ("class", "band"), ("data-series", s.name), ("d", d), ("fill", color(s)),
                    ("fill-opacity", "0.2"), ("stroke", "none"),
                ])
            }
        }
        let layers: [(SeriesStyle, String)] = [(.thinLine, "traces"), (.line, "lines"), (.points, "markers")]
        for (style, layer) in layers {
            let members = series.filter { $0.style == style }
            if members.isEmpty { continue }
            svg.group("g", [("class", layer)]) { svg in
                for s in members {
                    switch style {
                    case .line, .thinLine:
                        var d = "M " + point(s.x[0], s.y[0])
                        for i in s.x.indices.dropFirst() { d += " L " + point(s.x[i], s.y[i]) }
                        let thin = style == .thinLine
                        svg.element("path", [
                            ("class", thin ? "trace" : "line"), ("data-series", s.name), ("d", d), ("fill", "none"),
                            ("stroke", color(s)), ("stroke-width", thin ? "0.8" : "2"),
                            ("stroke-opacity", thin ? "0.35" : "1"), ("stroke-linejoin", "round"),
                        ])
                    case .points:
                        svg.group("g", [("class", "points"), ("data-series", s.name), ("fill", color(s))]) { svg in
                            for i in s.x.indices {
                                svg.element("circle", [
                                    ("cx", px(frame.x(xAxis.fraction(s.x[i])))),
                                    ("cy", px(frame.y(yAxis.fraction(s.y[i])))), ("r", "3"),
                                ])
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A line plot's legend, right of the plot area: one entry per name of a `.line` or `.points`
/// series, in order of first appearance. Entries wrap onto up to 3 lines of at most
/// ``textWidth`` px; when the wrapped legend is taller than the plot, each entry takes one line,
/// shortened with "…" (the full name as a tooltip), 20 px apart or closer (down to 13 px).
struct PlotLegend {
    /// The widest a legend line may be (px).
    static let textWidth = 200.0

    let names: [String]
    let styles: [String: SeriesStyle]
    let lines: [[String]]

    init(_ series: [Series]) {
        var names: [String] = [], styles: [String: SeriesStyle] = [:]
        for s in series where s.style != .thinLine && styles[s.name] == nil {
            names.append(s.name)
            styles[s.name] = s.style
        }
        self.names = names
        self.styles = styles
        lines = names.map { TextFit.wrapped($0, maxWidth: Self.textWidth, maxLines: 3) }
    }

    /// The room it takes right of the plot area: 0 without entries.
    var width: Double { names.isEmpty ? 0 : 40 + (lines.flatMap { $0 }.map { PlotFrame.textWidth($0) }.max() ?? 0) }

    func draw(_ svg: inout SVGWriter, frame: PlotFrame, colorIndex: [String: Int]) {
        guard !names.isEmpty else { return }
        let left = frame.right + 16
        // 20 px per entry and 14 px per further line, or one line per entry when that is too tall.
        let wrappedHeight = lines.reduce(0) { $0 + 20 + 14 * Double($1.count - 1) }
        let fitsWrapped = wrappedHeight <= frame.height - 8
        let shown = fitsWrapped ? lines : names.map { [TextFit.truncated($0, maxWidth: Self.textWidth)] }
        let rowHeight = fitsWrapped ? 20 : min(20, max(13, (frame.height - 8) / Double(names.count)))
        svg.group("g", [("class", "legend")]) { svg in
            var y = frame.top + 8
            for (row, name) in names.enumerated() {
                defer { y += rowHeight + 14 * Double(shown[row].count - 1) }
                let c = Colormap.categorical(colorIndex[name]!)
                svg.group("g", [("data-legend", name)]) { svg in
                    if styles[name] == .points {
                        svg.element("circle", [("cx", px(left + 11)), ("cy", px(y)), ("r", "3.5"), ("fill", c)])
                    } else {
                        svg.element("line", [
                            ("x1", px(left)), ("y1", px(y)), ("x2", px(left + 22)), ("y2", px(y)),
                            ("stroke", c), ("stroke-width", "2"),
                        ])
                    }
                    svg.label([("x", px(left + 28)), ("y", px(y + 4)), ("fill", PlotFrame.textColor)],
                              lines: shown[row], full: name, x: left + 28, y: y + 4)
                }
            }
        }
    }
}
