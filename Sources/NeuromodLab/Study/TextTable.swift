import Foundation

/// Left-aligned text tables for stdout: a title, a header, a rule and the rows, columns padded to
/// their widest cell, trailing blanks trimmed.
public enum TextTable {
    public static func render(title: String, header: [String], rows: [[String]]) -> String {
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return ([title, line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
                + rows.map(line)).joined(separator: "\n")
    }
}

extension TextTable {
    /// `mean ± SD` (sample SD) of `values` in 4 and 2 significant digits; "–" when there are none.
    public static func meanSD(_ values: [Double]) -> String {
        if values.isEmpty { return "–" }
        let mean = values.reduce(0, +) / Double(values.count)
        let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(values.count - 1, 1))).squareRoot()
        return String(format: "%.4g ± %.2g", mean, sd)
    }
}
