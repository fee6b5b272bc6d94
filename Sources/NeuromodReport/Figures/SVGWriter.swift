/// Builds SVG text: XML escaping, ordered attributes, and a complete standalone document.
///
/// Attributes keep the order they are given in, and numbers are written by `NumberFormat`, so the
/// same figure always gives byte-identical text.
struct SVGWriter {
    private(set) var lines: [String] = []
    private var depth = 1

    /// Escapes the five XML special characters (`&`, `<`, `>`, `"`, `'`) and replaces characters
    /// XML 1.0 forbids (controls other than tab, newline and carriage return) with U+FFFD, so any
    /// Swift string becomes valid text or attribute content.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private static func attributeText(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    /// An empty element, e.g. `<rect x="1" …/>`.
    mutating func element(_ name: String, _ attributes: [(String, String)]) {
        lines.append("\(indent)<\(name)\(Self.attributeText(attributes))/>")
    }

    /// An element holding escaped text, e.g. `<text x="1">a &lt; b</text>`.
    mutating func text(_ name: String, _ attributes: [(String, String)], _ content: String) {
        lines.append("\(indent)<\(name)\(Self.attributeText(attributes))>\(Self.escape(content))</\(name)>")
    }

    /// A `<text>` of one or more lines: one line is plain text (as ``text(_:_:_:)``); several are
    /// `<tspan>`s at `x` and `y + k · lineHeight` (`attributes` hold the text's own `x` and `y`, a
    /// transform turns all lines). When the lines do not spell `full` (wrapped or shortened), the
    /// element starts with a `<title>` holding `full`, shown as a tooltip.
    mutating func label(
        _ attributes: [(String, String)], lines: [String], full: String, x: Double, y: Double, lineHeight: Double = 14
    ) {
        if lines == [full] {
            text("text", attributes, full)
            return
        }
        group("text", attributes) { svg in
            svg.text("title", [], full)
            for (k, line) in lines.enumerated() {
                svg.text("tspan", [("x", px(x)), ("y", px(y + Double(k) * lineHeight))], line)
            }
        }
    }

    /// An element with children: `body` writes them, indented.
    mutating func group(_ name: String = "g", _ attributes: [(String, String)], _ body: (inout SVGWriter) -> Void) {
        lines.append("\(indent)<\(name)\(Self.attributeText(attributes))>")
        depth += 1
        body(&self)
        depth -= 1
        lines.append("\(indent)</\(name)>")
    }

    /// The complete standalone document: XML declaration, `<svg>` root with a viewBox of
    /// `width × height`, a `<title>` (for screen readers and the browser tab), a white background,
    /// then the elements written so far.
    func document(width: Double, height: Double, title: String) -> String {
        let w = NumberFormat.coordinate(width), h = NumberFormat.coordinate(height)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(w) \(h)\" width=\"\(w)\" height=\"\(h)\""
        out += " font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        out += "  <title>\(Self.escape(title))</title>\n"
        out += "  <rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>\n"
        for line in lines { out += line + "\n" }
        out += "</svg>\n"
        return out
    }
}

/// Shorthand for a coordinate attribute value.
@inline(__always) func px(_ value: Double) -> String { NumberFormat.coordinate(value) }
