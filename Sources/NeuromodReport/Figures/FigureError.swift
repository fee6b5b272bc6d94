/// Why a figure could not be drawn.
///
/// Every case names the figure by its title, and the series (or axis, or part) at fault, so the
/// message alone says what to fix. A figure that throws writes nothing: there is never a broken or
/// half-drawn SVG file.
public enum FigureError: Error, Equatable, CustomStringConvertible {
    /// The figure has nothing to draw: no series, a series without points, no bars, no cells.
    ///
    /// - Parameters:
    ///   - figure: the figure's title.
    ///   - what: what is empty, e.g. `"series"` or `"series 'WP' has no points"`.
    case emptyData(figure: String, what: String)
    /// A value that must be finite is NaN or ±∞.
    ///
    /// - Parameters:
    ///   - figure: the figure's title.
    ///   - series: the series (or bar, or heatmap row) that holds the value, e.g. `"WP"` or `"WP band"`.
    ///   - index: the value's position in that series (0-based).
    case nonFinite(figure: String, series: String, index: Int)
    /// An axis cannot show the data, e.g. a log10 axis with a value ≤ 0.
    ///
    /// - Parameters:
    ///   - figure: the figure's title.
    ///   - axis: `"x"`, `"y"` or `"color"`.
    ///   - reason: what is wrong, naming the series and index.
    case invalidScale(figure: String, axis: String, reason: String)
    /// Arrays that must have the same length do not, or a size is unusable.
    ///
    /// - Parameters:
    ///   - figure: the figure's title.
    ///   - what: which arrays and their lengths.
    case shapeMismatch(figure: String, what: String)

    /// A one-line message naming the figure and what to fix.
    public var description: String {
        switch self {
        case .emptyData(let figure, let what):
            return "figure '\(figure)': nothing to draw: \(what) is empty"
        case .nonFinite(let figure, let series, let index):
            return "figure '\(figure)': series '\(series)' has a non-finite value (NaN or ±∞) at index \(index)"
        case .invalidScale(let figure, let axis, let reason):
            return "figure '\(figure)': the \(axis) axis cannot show the data: \(reason)"
        case .shapeMismatch(let figure, let what):
            return "figure '\(figure)': shapes do not match: \(what)"
        }
    }
}
