import Foundation
import Testing
@testable import NeuromodReport

/// Long labels stay inside the canvas: legend entries wrap, bar and heatmap tick labels turn, wrap
/// or shorten (the full text then in a `<title>` tooltip), and margins grow to hold them.
@Suite struct LabelFitTests {
    static let long = "NRL delay=0.5 trace=exponential(tau: 1.0)"
    static let longer = "REINFORCE-backprop delay=2.5 trace=rise-decay(rise: 0.05, decay: 0.2) with a very long tail of words"

    func expectInside(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let outside = SVGTextBounds(svg).outside()
        #expect(outside.isEmpty, "\(outside)", sourceLocation: sourceLocation)
    }

    @Test func longLegendLabelsWrapInsideTheCanvas() throws {
        let series = [Self.long, Self.longer, "BP"].enumerated().map { i, name in
            Series(name: name, x: [1, 2, 3], y: [Double(i), Double(i) + 1, Double(i) + 0.5])
        }
        let svg = try LinePlot(title: "Return per episode", xLabel: "episode", yLabel: "return", series: series).svg()
        expectInside(svg)
        #expect(svg.contains("<tspan"), "the long names wrap onto lines")
        #expect(svg.contains("<title>\(SVGWriter.escape(Self.longer))</title>"), "a shortened name keeps its full text as a tooltip")
        #expect(readSVG(svg).legend == [Self.long, Self.longer, "BP"], "legend entries still carry their full names")
    }

    @Test func manyLegendEntriesFallBackToOneLineEach() throws {
        let series = (0..<14).map { Series(name: "\(Self.long) #\($0)", x: [0, 1], y: [Double($0), 1]) }
        expectInside(try LinePlot(title: "crowded", xLabel: "x", yLabel: "y", series: series).svg())
    }

    @Test func longBarLabelsTurnWrapAndStayInside() throws {
        for count in [1, 3, 8, 20] {
            let bars = (0..<count).map { Bar(label: $0 % 2 == 0 ? Self.long : Self.longer, value: Double($0 + 1), error: 0.3) }
            let svg = try BarChart(title: "Score (mean ± SD over runs)", yLabel: "mean return, last episodes", bars: bars).svg()
            expectInside(svg)
            #expect(svg.contains("rotate(-30") == (count > 1), "\(count) long labels are turned when they do not fit their slots")
        }
        // Short labels that fit their slots stay level and whole.
        let level = try BarChart(title: "final", yLabel: "loss", bars: [Bar(label: "BP", value: 1), Bar(label: "WP", value: 2)]).svg()
        #expect(!level.contains("rotate(-30") && !level.contains("<tspan"))
    }

    @Test func longTitlesAxisLabelsAndTicksAreShortenedWithATooltip() throws {
        let title = String(repeating: "A very long figure title ", count: 5)
        let plot = LinePlot(title: title, xLabel: String(repeating: "x label ", count: 20), yLabel: String(repeating: "y label ", count: 20),
                            series: [Series(name: "s", x: [0, 1], y: [0, 1])])
        let svg = try plot.svg()
        expectInside(svg)
        #expect(svg.contains("…") && svg.contains("<title>\(title)</title>"))
        let map = try Heatmap(title: title, xLabel: "reward delay (s)", yLabel: "trace", colorLabel: "score",
                              xTicks: (0..<12).map { "\(Self.long) \($0)" }, yTicks: [Self.longer, "short"],
                              values: [Array(repeating: 1, count: 12), (0..<12).map(Double.init)]).svg()
        expectInside(map)
    }

    @Test func wrappingKeepsWordsAndMarksWhatIsCut() {
        #expect(TextFit.wrapped("a b c", maxWidth: 100, maxLines: 2) == ["a b c"])
        let whole = TextFit.wrapped(Self.long, maxWidth: 160, maxLines: 3)
        #expect(whole.joined(separator: " ") == Self.long && whole.count > 1 && whole.allSatisfy { PlotFrame.textWidth($0) <= 160 })
        let cut = TextFit.wrapped(Self.longer, maxWidth: 100, maxLines: 2)
        #expect(cut.count == 2 && cut[1].hasSuffix("…") && cut.allSatisfy { PlotFrame.textWidth($0) <= 100 })
        #expect(TextFit.truncated("abcdef", maxWidth: 7.2 * 3) == "ab…")
    }
}
