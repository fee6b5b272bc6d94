import Foundation

/// Making text fit where it is drawn: the width estimate every figure uses, truncation with an
/// ellipsis, wrapping at spaces, and the extent of tick labels turned by 30°.
///
/// Widths are estimates (``PlotFrame/textWidth(_:fontSize:)``: 0.6 em per character, about
/// Helvetica's average), so fitting keeps a few pixels of slack; text that had to be shortened
/// carries its full form in a `<title>` tooltip (see ``SVGWriter/label(_:lines:full:x:y:lineHeight:)``).
enum TextFit {
    static let ellipsis = "…"

    /// `text` whole when it fits in `maxWidth` px at `fontSize`, else its longest prefix that fits
    /// with "…" appended (just "…" when nothing does).
    static func truncated(_ text: String, maxWidth: Double, fontSize: Double = 12) -> String {
        if PlotFrame.textWidth(text, fontSize: fontSize) <= maxWidth { return text }
        let room = max(0, Int(maxWidth / (fontSize * 0.6)) - 1)
        return String(text.prefix(room)).trimmingCharacters(in: .whitespaces) + ellipsis
    }

    /// `text` wrapped at spaces onto at most `maxLines` lines of at most `maxWidth` px; a word
    /// longer than a line, and the last line when text remains, are truncated with "…".
    static func wrapped(_ text: String, maxWidth: Double, fontSize: Double = 12, maxLines: Int) -> [String] {
        var lines: [String] = [], current = ""
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        for (i, word) in words.enumerated() {
            let candidate = current.isEmpty ? word : current + " " + word
            if PlotFrame.textWidth(candidate, fontSize: fontSize) <= maxWidth || current.isEmpty {
                current = candidate
                continue
            }
            lines.append(truncated(current, maxWidth: maxWidth, fontSize: fontSize))
            if lines.count == maxLines - 1 {
                current = words[i...].joined(separator: " ")
                break
            }
            current = word
        }
        lines.append(truncated(current, maxWidth: maxWidth, fontSize: fontSize))
        return lines
    }

    /// The angle (degrees, counter-clockwise) of turned tick labels.
    static let turn = 30.0
    /// Height of one line of 12 px text, and the offset between wrapped lines.
    static let lineHeight = 14.0

    /// How far below its anchor (px) a label turned by ``turn`` and anchored at its end reaches:
    /// `lines` lines, the widest `width` px, 12 px text.
    static func turnedDepth(width: Double, lines: Int) -> Double {
        width * 0.5 + (lineHeight * Double(lines - 1) + 2.4) * 0.866
    }

    /// How far left of its anchor (px) such a label reaches.
    static func turnedReach(width: Double) -> Double { width * 0.866 + 4.8 }
}
