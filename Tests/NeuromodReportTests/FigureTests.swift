import Foundation
import Testing
@testable import NeuromodReport

#if canImport(FoundationXML)
import FoundationXML
#endif

/// What an SVG holds, read back with Foundation's `XMLParser`: the parse must succeed, and the
/// figure's parts are found by their `class`, `data-series` and `data-legend` attributes.
final class FigureSVGReader: NSObject, XMLParserDelegate {
    private(set) var parseError: String?
    private(set) var rootName: String?
    private(set) var rootAttributes: [String: String] = [:]
    private(set) var documentTitle = ""
    /// Every `data-series` value, in document order.
    private(set) var dataSeries: [String] = []
    /// Every `data-legend` value, in document order.
    private(set) var legend: [String] = []
    /// Tick labels per enclosing group class (`x-axis`, `y-axis`, `colorbar`), in document order.
    private(set) var tickLabels: [String: [String]] = [:]
    /// Every `<text>` content, in order.
    private(set) var texts: [String] = []
    /// How many of each element.
    private(set) var counts: [String: Int] = [:]
    /// `fill` of every `<rect>` inside a `class="cell missing"` group.
    private(set) var missingCellFills: [String] = []

    private var stack: [(name: String, attributes: [String: String])] = []
    private var text = ""

    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        if !parser.parse() { parseError = parser.parserError.map { "\($0)" } ?? "unknown parse error" }
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String]
    ) {
        if stack.isEmpty { rootName = name; rootAttributes = attributes }
        counts[name, default: 0] += 1
        if let s = attributes["data-series"] { dataSeries.append(s) }
        if let s = attributes["data-legend"] { legend.append(s) }
        if name == "rect", stack.last?.attributes["class"] == "cell missing", let fill = attributes["fill"] {
            missingCellFills.append(fill)
        }
        stack.append((name, attributes))
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let element = stack.removeLast()
        if name == "title" && stack.count == 1 { documentTitle = text }
        if name == "text" {
            texts.append(text)
            if element.attributes["class"] == "tick-label",
                let axis = stack.last(where: { ["x-axis", "y-axis", "colorbar"].contains($0.attributes["class"] ?? "") })
            {
                tickLabels[axis.attributes["class"]!, default: []].append(text)
            }
        }
        text = ""
    }
}

/// Reads `svg`, recording a test issue when it is not well-formed XML or not an `<svg>` document.
func readSVG(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) -> FigureSVGReader {
    let reader = FigureSVGReader(svg)
    #expect(reader.parseError == nil, "SVG does not parse: \(reader.parseError ?? "")", sourceLocation: sourceLocation)
    #expect(reader.rootName == "svg", sourceLocation: sourceLocation)
    #expect(reader.rootAttributes["xmlns"] == "http://www.w3.org/2000/svg", sourceLocation: sourceLocation)
    #expect(reader.rootAttributes["viewBox"] != nil, sourceLocation: sourceLocation)
    return reader
}

/// The message of the error `body` throws, or "no error".
func figureErrorMessage(_ body: () throws -> String) -> String {
    do { _ = try body(); return "no error" } catch { return "\(error)" }
}

@Suite struct FigureTests {
    /// A learning curve: mean ± SD of three runs, the runs as traces, and a second method as points.
    static var learningCurves: LinePlot {
        let steps = (0..<20).map(Double.init)
        let runs = (0..<3).map { r in steps.map { 0.9 * exp(-$0 / 6) + 0.02 * Double(r) + 0.05 } }
        let mean = steps.indices.map { i in runs.map { $0[i] }.reduce(0, +) / 3 }
        return LinePlot(
            title: "thesis-sinusoid", xLabel: "update", yLabel: "train loss",
            series: runs.map { Series(name: "WP", x: steps, y: $0, style: .thinLine) } + [
                Series(name: "WP", x: steps, y: mean, band: (lower: mean.map { $0 - 0.02 }, upper: mean.map { $0 + 0.02 })),
                Series(name: "BP", x: steps, y: steps.map { 0.8 * exp(-$0 / 3) + 0.05 }, style: .points),
            ])
    }

    @Test func lineplotParsesAndNamesEverySeries() throws {
        let reader = readSVG(try Self.learningCurves.svg())
        #expect(reader.documentTitle == "thesis-sinusoid")
        // Three traces, the band and the mean line of WP, the points of BP.
        #expect(reader.dataSeries.filter { $0 == "WP" }.count == 5)
        #expect(reader.dataSeries.filter { $0 == "BP" }.count == 1)
        // Traces get no legend entry; each name is listed once.
        #expect(reader.legend == ["WP", "BP"])
        #expect(reader.texts.contains("update"))
        #expect(reader.texts.contains("train loss"))
        #expect(reader.counts["circle", default: 0] >= 20)
    }

    @Test func bandsAreDrawnBeforeLines() throws {
        let svg = try Self.learningCurves.svg()
        let band = try #require(svg.range(of: "class=\"band\""))
        let line = try #require(svg.range(of: "class=\"line\""))
        #expect(band.lowerBound < line.lowerBound)
    }

    @Test func linearTicksAreNiceValues() throws {
        let plot = LinePlot(
            title: "unit", xLabel: "x", yLabel: "y",
            series: [Series(name: "s", x: [0, 0.5, 1], y: [0, 0.37, 1])])
        let reader = readSVG(try plot.svg())
        #expect(reader.tickLabels["y-axis"] == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(reader.tickLabels["x-axis"] == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
    }

    @Test func niceTicksOnOtherRanges() {
        func labels(_ lo: Double, _ hi: Double, _ n: Int = 5) -> [String] {
            Axis(scale: .linear, dataMin: lo, dataMax: hi, targetTicks: n).ticks.map(\.label)
        }
        #expect(labels(0, 2000, 4) == ["0", "500", "1000", "1500", "2000"])
        #expect(labels(0.13, 0.87) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(labels(-3, 7) == ["-4", "-2", "0", "2", "4", "6", "8"])
        #expect(labels(0, 4e-5, 4) == ["0", "1e-5", "2e-5", "3e-5", "4e-5"])
        #expect(labels(0, 3e5, 3) == ["0", "1e5", "2e5", "3e5"])
        #expect(labels(5, 5) == ["4.4", "4.6", "4.8", "5", "5.2", "5.4", "5.6"])
    }

    @Test func logTicksAreDecades() throws {
        let plot = LinePlot(
            title: "log", xLabel: "update", yLabel: "loss", xScale: .log10, yScale: .log10,
            series: [Series(name: "s", x: [1, 10, 100], y: [1e-3, 0.05, 1])])
        let reader = readSVG(try plot.svg())
        #expect(reader.tickLabels["y-axis"] == ["1e-3", "1e-2", "0.1", "1"])
        #expect(reader.tickLabels["x-axis"] == ["1", "10", "100"])
    }

    @Test func numbersAreCompactAndLocaleFree() {
        #expect(NumberFormat.compact(0.001) == "0.001")
        #expect(NumberFormat.compact(1e-5) == "1e-5")
        #expect(NumberFormat.compact(2000) == "2000")
        #expect(NumberFormat.compact(0.123456) == "0.123")
        #expect(NumberFormat.compact(-2.5e6) == "-2.5e6")
        #expect(NumberFormat.compact(99999.7) == "1e5")
        #expect(NumberFormat.fixed(-0.001, decimals: 2) == "0")
        #expect(NumberFormat.fixed(12.3456, decimals: 2) == "12.35")
        #expect(NumberFormat.coordinate(3) == "3")
    }

    @Test func textIsEscaped() throws {
        let title = "a < b & \"c\" 'd' >"
        let plot = LinePlot(title: title, xLabel: "x<1", yLabel: "y&z", series: [Series(name: "<s&\"'>", x: [0, 1], y: [1, 2])])
        let svg = try plot.svg()
        #expect(svg.contains("<title>a &lt; b &amp; &quot;c&quot; &apos;d&apos; &gt;</title>"))
        #expect(svg.contains("data-series=\"&lt;s&amp;&quot;&apos;&gt;\""))
        let reader = readSVG(svg)
        #expect(reader.documentTitle == title)
        #expect(reader.dataSeries.contains("<s&\"'>"))
        #expect(reader.legend == ["<s&\"'>"])
        #expect(reader.texts.contains("x<1") && reader.texts.contains("y&z"))
        // Control characters XML forbids are replaced, so the file still parses.
        #expect(readSVG(try LinePlot(title: "bell\u{7}", xLabel: "", yLabel: "", series: plot.series).svg()).parseError == nil)
    }

    @Test func rendersAreDeterministic() throws {
        #expect(try Self.learningCurves.svg() == Self.learningCurves.svg())
        let bars = BarChart(title: "t", yLabel: "y", bars: [Bar(label: "a", value: 0.3, error: 0.05)])
        #expect(try bars.svg() == bars.svg())
        let heat = Heatmap(title: "h", xLabel: "x", yLabel: "y", colorLabel: "c", values: [[1, .nan], [0.5, 0.25]])
        #expect(try heat.svg() == heat.svg())
    }

    @Test func lineplotErrorsNameFigureAndSeries() {
        func plot(_ series: [Series], yScale: AxisScale = .linear, xScale: AxisScale = .linear) -> LinePlot {
            LinePlot(title: "curves", xLabel: "x", yLabel: "y", xScale: xScale, yScale: yScale, series: series)
        }
        #expect(throws: FigureError.emptyData(figure: "curves", what: "the list of series")) { try plot([]).svg() }
        #expect(figureErrorMessage { try plot([]).svg() } == "figure 'curves': nothing to draw: the list of series is empty")
        #expect(throws: FigureError.emptyData(figure: "curves", what: "series 'WP'")) {
            try plot([Series(name: "WP", x: [], y: [])]).svg()
        }
        #expect(figureErrorMessage { try plot([Series(name: "WP", x: [1, 2], y: [1])]).svg() }
            == "figure 'curves': shapes do not match: series 'WP' has 2 x values and 1 y values")
        #expect(figureErrorMessage {
            try plot([Series(name: "WP", x: [1, 2], y: [1, 2], band: (lower: [0], upper: [2, 3]))]).svg()
        } == "figure 'curves': shapes do not match: series 'WP' has 2 points but its band has 1 lower and 2 upper values")
        #expect(throws: FigureError.nonFinite(figure: "curves", series: "WP", index: 2)) {
            try plot([Series(name: "WP", x: [0, 1, 2], y: [1, 2, .nan])]).svg()
        }
        #expect(figureErrorMessage { try plot([Series(name: "WP", x: [0, .infinity], y: [1, 2])]).svg() }
            == "figure 'curves': series 'WP' has a non-finite value (NaN or ±∞) at index 1")
        #expect(throws: FigureError.nonFinite(figure: "curves", series: "WP band upper", index: 0)) {
            try plot([Series(name: "WP", x: [0, 1], y: [1, 2], band: (lower: [0, 1], upper: [-.infinity, 3]))]).svg()
        }
        #expect(figureErrorMessage { try plot([Series(name: "WP", x: [0, 1], y: [1, 0])], yScale: .log10).svg() }
            == "figure 'curves': the y axis cannot show the data: log10 needs values > 0, but series 'WP' has 0 at index 1")
        #expect(throws: FigureError.invalidScale(
            figure: "curves", axis: "x", reason: "log10 needs values > 0, but series 'BP' has -1 at index 0")) {
            try plot([Series(name: "BP", x: [-1, 1], y: [1, 2])], xScale: .log10).svg()
        }
        #expect(figureErrorMessage {
            try LinePlot(title: "curves", xLabel: "", yLabel: "", series: [Series(name: "s", x: [1], y: [1])], width: 10).svg()
        }.contains("too small"))
    }

    @Test func manyDecadesLabelEveryOther() {
        let axis = Axis(scale: .log10, dataMin: 1e-12, dataMax: 1, targetTicks: 5)
        #expect(axis.ticks.filter(\.isMajor).map(\.label) == ["1e-12", "1e-10", "1e-8", "1e-6", "1e-4", "1e-2", "1"])
        // Few decades: minor ticks at 2…9 × 10ⁿ, unlabelled.
        #expect(Axis(scale: .log10, dataMin: 1, dataMax: 100).ticks.count == 3 + 2 * 8)
    }

    @Test func tracesAloneHaveNoLegend() throws {
        let plot = LinePlot(title: "runs", xLabel: "x", yLabel: "y", series: [
            Series(name: "run 0", x: [0, 1], y: [1, 2], style: .thinLine),
            Series(name: "run 1", x: [0, 1], y: [2, 1], style: .thinLine),
        ])
        let svg = try plot.svg()
        let reader = readSVG(svg)
        #expect(reader.legend.isEmpty)
        #expect(!svg.contains("class=\"legend\""))
        #expect(reader.dataSeries == ["run 0", "run 1"])
    }

    @Test func seriesWithOneNameShareAColour() throws {
        let svg = try Self.learningCurves.svg()
        // WP is the first name: every WP path is drawn in the first Okabe–Ito colour, BP in the second.
        #expect(svg.components(separatedBy: "stroke=\"#0072b2\"").count - 1 == 3 + 1 + 1)  // traces, line, legend
        #expect(svg.contains("data-series=\"BP\" fill=\"#d55e00\""))
    }

    @Test func extremeInputsAreRejectedNotDrawn() {
        #expect(figureErrorMessage {
            try LinePlot(title: "huge", xLabel: "", yLabel: "", series: [Series(name: "s", x: [0, 1], y: [-1.7e308, 1.7e308])]).svg()
        }.contains("the y axis cannot show the data: the data run from -1.7e308 to 1.7e308, a span too large to draw"))
        #expect(figureErrorMessage {
            try LinePlot(title: "band", xLabel: "", yLabel: "", yScale: .log10, series: [
                Series(name: "WP", x: [0, 1], y: [0.1, 0.05], band: (lower: [0.05, -0.01], upper: [0.15, 0.11])),
            ]).svg()
        } == "figure 'band': the y axis cannot show the data: log10 needs values > 0, but series 'WP band lower' has -0.01 at index 1")
        let longName = String(repeating: "a very long legend entry ", count: 8)
        #expect(figureErrorMessage {
            try LinePlot(title: "narrow", xLabel: "", yLabel: "", series: [Series(name: longName, x: [0], y: [0])], width: 300).svg()
        }.contains("leaves no room for the data"))
        #expect(throws: FigureError.invalidScale(figure: "h", axis: "color", reason: "colorRange 1…1 must be finite and not empty")) {
            try Heatmap(title: "h", xLabel: "", yLabel: "", colorLabel: "", values: [[1]], colorRange: 1...1).svg()
        }
    }

    @Test func heatmapCellsCarryTooltipsAndUseColorRange() throws {
        let map = Heatmap(
            title: "h", xLabel: "τ", yLabel: "delay", colorLabel: "loss", xTicks: ["a", "b"], values: [[0.5, 2]],
            colorRange: 0...1)
        let svg = try map.svg()
        #expect(svg.contains("<title>delay = 0, τ = b: 2</title>"))
        // 2 lies above colorRange: clamped to the top of the map; 0.5 is its middle.
        #expect(svg.contains("fill=\"\(Colormap.viridis(1))\""))
        #expect(svg.contains("fill=\"\(Colormap.viridis(0.5))\""))
        #expect(readSVG(svg).tickLabels["colorbar"] == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
    }

    @Test func singlePointStillHasAxes() throws {
        let reader = readSVG(try LinePlot(title: "one", xLabel: "x", yLabel: "y", series: [Series(name: "s", x: [3], y: [0])]).svg())
        #expect(reader.tickLabels["x-axis"]?.contains("3") == true)
        #expect(reader.tickLabels["y-axis"]?.contains("0") == true)
    }

    @Test func barChartWithErrorBars() throws {
        let chart = BarChart(title: "final loss", yLabel: "loss", bars: [
            Bar(label: "BP", value: 0.081, error: 0.005), Bar(label: "WP", value: 0.102, error: 0.011),
            Bar(label: "3F-NP", value: 0.099),
        ])
        let svg = try chart.svg()
        let reader = readSVG(svg)
        #expect(reader.dataSeries == ["BP", "WP", "3F-NP"])
        #expect(svg.components(separatedBy: "class=\"error-bar\"").count - 1 == 2)
        #expect(reader.tickLabels["y-axis"]?.first == "0")
        #expect(reader.texts.contains("3F-NP"))
        #expect(throws: FigureError.emptyData(figure: "final loss", what: "the list of bars")) {
            try BarChart(title: "final loss", yLabel: "loss", bars: []).svg()
        }
        #expect(throws: FigureError.nonFinite(figure: "final loss", series: "WP", index: 1)) {
            try BarChart(title: "final loss", yLabel: "loss", bars: [Bar(label: "BP", value: 1), Bar(label: "WP", value: .nan)]).svg()
        }
        #expect(figureErrorMessage {
            try BarChart(title: "final loss", yLabel: "loss", bars: [Bar(label: "BP", value: 1, error: -1)]).svg()
        }.contains("bar 'BP' (index 0) has a negative error -1"))
    }

    @Test func heatmapWithNaNCellAndColorBar() throws {
        let map = Heatmap(
            title: "delay × trace", xLabel: "trace τ (s)", yLabel: "delay (s)", colorLabel: "final loss",
            xTicks: ["0.1", "0.5", "2"], yTicks: ["0", "1"], values: [[0.1, 0.2, .nan], [0.4, 0.6, 1.0]])
        #expect(map.showValues)
        let reader = readSVG(try map.svg())
        #expect(reader.dataSeries == ["values", "colorbar"])
        #expect(reader.missingCellFills == [Heatmap.missingColor])
        #expect(reader.tickLabels["x-axis"] == ["0.1", "0.5", "2"])
        #expect(reader.tickLabels["y-axis"] == ["0", "1"])
        // Colour bar ticks: the nice values inside 0.1…1.
        #expect(reader.tickLabels["colorbar"] == ["0.2", "0.4", "0.6", "0.8", "1"])
        #expect(reader.texts.contains("final loss"))
        #expect(reader.texts.contains("NaN"))
        #expect(reader.texts.contains("0.6"))
        // The ends of the map are viridis's ends.
        #expect(Colormap.viridis(0) == "#440154" && Colormap.viridis(1) == "#fde725")
        // Many cells: values are not printed by default.
        let big = Heatmap(title: "big", xLabel: "", yLabel: "", colorLabel: "", values: Array(repeating: Array(repeating: 1, count: 11), count: 10))
        #expect(!big.showValues)
        #expect(readSVG(try big.svg()).parseError == nil)
    }

    @Test func crowdedHeatmapLabelsAreThinned() throws {
        // 60 columns on 640 px: about 8 px per column, so every 2nd label (14 px apart, rotated).
        let map = Heatmap(
            title: "wide", xLabel: "x", yLabel: "y", colorLabel: "c", xTicks: (0..<60).map { "c\($0)" },
            values: [(0..<60).map(Double.init)])
        let labels = try #require(readSVG(try map.svg()).tickLabels["x-axis"])
        #expect(labels.first == "c0")
        #expect(labels.count < 60 && labels.count >= 15)
    }

    @Test func heatmapErrors() {
        func map(_ values: [[Double]], xTicks: [String] = []) -> Heatmap {
            Heatmap(title: "sweep", xLabel: "x", yLabel: "y", colorLabel: "c", xTicks: xTicks, values: values)
        }
        #expect(throws: FigureError.emptyData(figure: "sweep", what: "values")) { try map([]).svg() }
        #expect(throws: FigureError.emptyData(figure: "sweep", what: "the set of finite (non-NaN) cells")) { try map([[.nan]]).svg() }
        #expect(figureErrorMessage { try map([[1, 2], [3]]).svg() }
            == "figure 'sweep': shapes do not match: values row 1 has 1 cells but row 0 has 2")
        #expect(throws: FigureError.nonFinite(figure: "sweep", series: "values row 0", index: 1)) { try map([[1, .infinity]]).svg() }
        #expect(figureErrorMessage { try map([[1, 2]], xTicks: ["a"]).svg() } == "figure 'sweep': shapes do not match: 1 xTicks for 2 columns")
    }

    /// Writes example figures for a person to look at, and rasterizes them when a converter
    /// (`rsvg-convert`) is on the PATH; without one the visual check is skipped.
    @Test func writesExampleFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("neuromod-figures")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let logCurves = LinePlot(
            title: "loss (log)", xLabel: "update", yLabel: "train loss", yScale: .log10,
            series: [Series(name: "BP", x: (1...50).map(Double.init), y: (1...50).map { 0.5 * exp(-Double($0) / 8) + 1e-3 })])
        let figures: [(String, String)] = [
            ("curves.svg", try Self.learningCurves.svg()),
            ("log.svg", try logCurves.svg()),
            ("bars.svg", try BarChart(title: "final loss", yLabel: "loss", bars: [
                Bar(label: "BP", value: 0.081, error: 0.005), Bar(label: "WP", value: 0.102, error: 0.011),
            ]).svg()),
            ("heatmap.svg", try Heatmap(
                title: "delay × trace", xLabel: "trace τ (s)", yLabel: "delay (s)", colorLabel: "final loss",
                xTicks: ["0.1", "0.5", "2"], yTicks: ["0", "1"], values: [[0.1, 0.2, .nan], [0.4, 0.6, 1.0]]).svg()),
        ]
        for (name, svg) in figures {
            let url = folder.appendingPathComponent(name)
            try svg.write(to: url, atomically: true, encoding: .utf8)
            #expect(readSVG(try String(contentsOf: url, encoding: .utf8)).parseError == nil)
        }
        let converter = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        guard let converter else { return }  // no rasterizer: skip the visual check
        for (name, _) in figures {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: converter)
            let png = folder.appendingPathComponent(name + ".png").path
            process.arguments = ["-o", png, folder.appendingPathComponent(name).path]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(converter) failed on \(name)")
        }
    }
}
