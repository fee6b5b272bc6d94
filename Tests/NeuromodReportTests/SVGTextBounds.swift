import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Where an SVG's text lands, estimated: every line of every `<text>` (or each of its `<tspan>`s)
/// as a box of characters × font size × 0.6 by 1 em (0.8 em above the baseline), placed by its
/// `text-anchor` and turned by its `rotate(a cx cy)` transform. `<title>` tooltips are not drawn.
final class SVGTextBounds: NSObject, XMLParserDelegate {
    struct Line { var text: String; var x, y, fontSize: Double; var anchor: String; var rotation: (Double, Double, Double)? }
    private(set) var width = 0.0, height = 0.0
    private(set) var lines: [Line] = []
    private var stack: [[String: String]] = []
    private var current = ""
    private var spans = 0

    init(_ svg: String) {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        _ = parser.parse()
    }

    /// The lines that reach outside the canvas, with their estimated corners.
    func outside(slack: Double = 0.5) -> [String] {
        lines.compactMap { line in
            let w = Double(line.text.count) * line.fontSize * 0.6
            let x0 = line.anchor == "middle" ? line.x - w / 2 : line.anchor == "end" ? line.x - w : line.x
            let corners = [(x0, line.y - 0.8 * line.fontSize), (x0 + w, line.y - 0.8 * line.fontSize),
                           (x0, line.y + 0.2 * line.fontSize), (x0 + w, line.y + 0.2 * line.fontSize)].map { p -> (Double, Double) in
                guard let (a, cx, cy) = line.rotation else { return p }
                let r = a * .pi / 180, dx = p.0 - cx, dy = p.1 - cy
                return (cx + dx * cos(r) - dy * sin(r), cy + dx * sin(r) + dy * cos(r))
            }
            let inside = corners.allSatisfy { $0.0 >= -slack && $0.0 <= width + slack && $0.1 >= -slack && $0.1 <= height + slack }
            return inside ? nil : "'\(line.text)' reaches \(corners.map { "(\(Int($0.0)), \(Int($0.1)))" }) on a \(Int(width))×\(Int(height)) canvas"
        }
    }

    private func inherited(_ key: String) -> String? { stack.reversed().lazy.compactMap { $0[key] }.first }

    private func addLine(_ attributes: [String: String]) {
        let text = current.trimmingCharacters(in: .whitespacesAndNewlines)
        current = ""
        guard !text.isEmpty else { return }
        var rotation: (Double, Double, Double)?
        if let t = inherited("transform"), t.hasPrefix("rotate(") {
            let n = t.dropFirst(7).dropLast().split(separator: " ").compactMap { Double($0) }
            if n.count == 3 { rotation = (n[0], n[1], n[2]) }
        }
        lines.append(Line(text: text, x: Double(attributes["x"] ?? inherited("x") ?? "0") ?? 0,
                          y: Double(attributes["y"] ?? inherited("y") ?? "0") ?? 0,
                          fontSize: Double(inherited("font-size") ?? "12") ?? 12,
                          anchor: inherited("text-anchor") ?? "start", rotation: rotation))
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]) {
        if name == "svg" { width = Double(attributes["width"] ?? "0") ?? 0; height = Double(attributes["height"] ?? "0") ?? 0 }
        if name == "text" { spans = 0; current = "" }
        if name == "tspan" { spans += 1; current = "" }
        stack.append(attributes.merging(["element": name]) { a, _ in a })
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let element = stack.last?["element"], element == "text" || element == "tspan" { current += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let attributes = stack.last ?? [:]
        if name == "tspan" { addLine(attributes) }
        stack.removeLast()
        if name == "text" {
            if spans == 0 { stack.append(attributes); addLine(attributes); stack.removeLast() } else { current = "" }
        }
    }
}
