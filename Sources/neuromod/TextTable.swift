import Foundation

/// Left-aligned text tables for stdout: a title, a header, a rule and the rows, columns padded to
/// their widest cell, trailing blanks trimmed.
enum TextTable {
    static func render(title: String, header: [String], rows: [[String]]) -> String {
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return ([title, line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
                + rows.map(line)).joined(separator: "\n")
    }
}
