/// How a series is drawn on a `LinePlot`.
public enum SeriesStyle: Sendable, Equatable {
    /// A solid line, 2 px, with a legend entry. The default.
    case line
    /// A thin, light line with no legend entry: one trace per run, under the mean.
    case thinLine
    /// Unconnected markers, with a legend entry.
    case points
}

/// One named set of (x, y) points on a `LinePlot`, with an optional band around it.
///
/// Series are coloured by name: every series with the same name gets the same palette colour
/// (in order of first appearance), so per-run `.thinLine` traces named `"WP"` share the colour of
/// the mean line `"WP"`. The legend lists each name of a `.line` or `.points` series once.
public struct Series: Sendable {
    /// The legend text and the `data-series` attribute of the drawn path.
    public var name: String
    /// The x values; as many as `y`. Finite, and > 0 on a log10 axis.
    public var x: [Double]
    /// The y values; as many as `x`. Finite, and > 0 on a log10 axis.
    public var y: [Double]
    /// A band drawn as a translucent area under the line, e.g. mean ± SD or a 95 % interval;
    /// `lower` and `upper` have one value per point, finite (and > 0 on a log10 y axis).
    public var band: (lower: [Double], upper: [Double])?
    /// How the series is drawn; `.line` by default.
    public var style: SeriesStyle

    /// A series of `x.count` points named `name`.
    public init(
        name: String, x: [Double], y: [Double], band: (lower: [Double], upper: [Double])? = nil,
        style: SeriesStyle = .line
    ) {
        self.name = name
        self.x = x
        self.y = y
        self.band = band
        self.style = style
    }
}
