/// The rectangle data are drawn in, and the parts every chart shares: title, axes with ticks,
/// grid lines and axis labels.
struct PlotFrame {
    var left: Double
    var top: Double
    var width: Double
    var height: Double
    var right: Double { left + width }
    var bottom: Double { top + height }

    /// The pixel x of a point `fraction` (0…1) of the way along the x axis.
    func x(_ fraction: Double) -> Double { left + fraction * width }
    /// The pixel y of a point `fraction` (0…1) of the way up the y axis.
    func y(_ fraction: Double) -> Double { bottom - fraction * height }

    /// The plot area of a `width × height` figure: room on the left for the y axis label and the
    /// widest of `yTicks` (at least `minLeft`), 40 px on top for the title, `bottomMargin` (56 px
    /// by default) below for x tick labels and the x axis label, `rightMargin` on the right (e.g.
    /// for a legend).
    /// - Throws: `FigureError.shapeMismatch` when less than 40 × 40 px would be left for the data.
    static func fitting(
        figure: String, width: Double, height: Double, yTicks: [Tick], rightMargin: Double, bottomMargin: Double = 56,
        minLeft: Double = 0
    ) throws -> PlotFrame {
        let widest = yTicks.map { textWidth($0.label) }.max() ?? 0
        let left = max(60, 36 + widest, minLeft)
        let frame = PlotFrame(left: left, top: 40, width: width - left - rightMargin, height: height - 40 - bottomMargin)
        guard frame.width >= 40, frame.height >= 40 else {
            throw FigureError.shapeMismatch(
                figure: figure,
                what: "the size \(NumberFormat.compact(width))×\(NumberFormat.compact(height)) leaves no room for the data once axes and legend are drawn; make the figure larger or the labels shorter")
        }
        return frame
    }

    static let axisColor = "#333333"
    static let gridColor = "#e6e6e6"
    static let textColor = "#222222"

    /// A rough width in pixels of `text` at `fontSize` (Helvetica averages about 0.6 em).
    static func textWidth(_ text: String, fontSize: Double = 12) -> Double {
        Double(text.count) * fontSize * 0.6
    }

    /// The figure title, centred on `figureWidth`; shortened with "…" (full text as a tooltip) when
    /// it is wider than the figure less 16 px.
    static func drawTitle(_ svg: inout SVGWriter, _ title: String, figureWidth: Double) {
        svg.label([
            ("class", "title"), ("x", px(figureWidth / 2)), ("y", "22"), ("text-anchor", "middle"),
            ("font-size", "15"), ("font-weight", "bold"), ("fill", textColor),
        ], lines: [TextFit.truncated(title, maxWidth: figureWidth - 16, fontSize: 15)], full: title, x: figureWidth / 2, y: 22)
    }

    /// A label turned by 90° (reading upwards), centred on (`cx`, `cy`), 13 px; shortened with "…"
    /// (the full text as a tooltip) beyond `maxWidth`.
    static func drawSideLabel(_ svg: inout SVGWriter, _ text: String, cx: Double, cy: Double, maxWidth: Double) {
        svg.label([
            ("class", "axis-label"), ("x", px(cx)), ("y", px(cy)), ("text-anchor", "middle"),
            ("transform", "rotate(-90 \(px(cx)) \(px(cy)))"), ("font-size", "13"), ("fill", textColor),
        ], lines: [TextFit.truncated(text, maxWidth: maxWidth, fontSize: 13)], full: text, x: cx, y: cy)
    }

    /// Horizontal grid lines and labelled ticks of a y axis on the left, and its label, rotated.
    func drawYAxis(_ svg: inout SVGWriter, _ axis: Axis, label: String) {
        let frame = self
        svg.group("g", [("class", "y-axis")]) { svg in
            for tick in axis.ticks {
                let y = frame.y(axis.fraction(tick.value))
                if tick.isMajor {
                    svg.element("line", [
                        ("x1", px(frame.left)), ("y1", px(y)), ("x2", px(frame.right)), ("y2", px(y)),
                        ("stroke", PlotFrame.gridColor), ("stroke-width", "1"),
                    ])
                }
                svg.element("line", [
                    ("x1", px(frame.left - (tick.isMajor ? 5 : 3))), ("y1", px(y)), ("x2", px(frame.left)), ("y2", px(y)),
                    ("stroke", PlotFrame.axisColor), ("stroke-width", "1"),
                ])
                if tick.isMajor {
                    svg.text("text", [
                        ("class", "tick-label"), ("x", px(frame.left - 8)), ("y", px(y + 4)), ("text-anchor", "end"),
                        ("fill", PlotFrame.textColor),
                    ], tick.label)
                }
            }
            svg.element("line", [
                ("x1", px(frame.left)), ("y1", px(frame.top)), ("x2", px(frame.left)), ("y2", px(frame.bottom)),
                ("stroke", PlotFrame.axisColor), ("stroke-width", "1"),
            ])
            let cx = 16.0, cy = frame.top + frame.height / 2
            // Centred on the frame, turned: at most the frame's height and 36 px of the margins above and below.
            PlotFrame.drawSideLabel(&svg, label, cx: cx, cy: cy, maxWidth: frame.height + 72)
        }
    }

    /// Vertical grid lines and labelled ticks of an x axis at the bottom, and its label.
    func drawXAxis(_ svg: inout SVGWriter, _ axis: Axis, label: String) {
        let frame = self
        svg.group("g", [("class", "x-axis")]) { svg in
            for tick in axis.ticks {
                let x = frame.x(axis.fraction(tick.value))
                if tick.isMajor {
                    svg.element("line", [
                        ("x1", px(x)), ("y1", px(frame.top)), ("x2", px(x)), ("y2", px(frame.bottom)),
                        ("stroke", PlotFrame.gridColor), ("stroke-width", "1"),
                    ])
                }
                svg.element("line", [
                    ("x1", px(x)), ("y1", px(frame.bottom)), ("x2", px(x)), ("y2", px(frame.bottom + (tick.isMajor ? 5 : 3))),
                    ("stroke", PlotFrame.axisColor), ("stroke-width", "1"),
                ])
                if tick.isMajor {
                    svg.text("text", [
                        ("class", "tick-label"), ("x", px(x)), ("y", px(frame.bottom + 19)), ("text-anchor", "middle"),
                        ("fill", PlotFrame.textColor),
                    ], tick.label)
                }
            }
            frame.drawXAxisLine(&svg)
            let cx = frame.left + frame.width / 2
            // Centred on the frame: at most its width and 16 px of each margin (the right one is at least 20 px).
            svg.label([
                ("class", "axis-label"), ("x", px(cx)), ("y", px(frame.bottom + 42)),
                ("text-anchor", "middle"), ("font-size", "13"), ("fill", PlotFrame.textColor),
            ], lines: [TextFit.truncated(label, maxWidth: frame.width + 32, fontSize: 13)], full: label, x: cx, y: frame.bottom + 42)
        }
    }

    /// The bottom axis line alone.
    func drawXAxisLine(_ svg: inout SVGWriter) {
        svg.element("line", [
            ("x1", px(left)), ("y1", px(bottom)), ("x2", px(right)), ("y2", px(bottom)),
            ("stroke", PlotFrame.axisColor), ("stroke-width", "1"),
        ])
    }
}
