/// Colours for figures: a colour-blind-safe palette for series and a perceptual sequential map
/// for heatmaps.
///
/// - Okabe, M. & Ito, K. (2008). *Color Universal Design: how to make figures and presentations
///   that are friendly to colorblind people.* The eight-colour palette, reordered so the first
///   colours contrast most with white and with each other.
/// - van der Walt, S. & Smith, N. (2015). *viridis*, matplotlib's default colormap: perceptually
///   uniform, readable in greyscale and by the common forms of colour blindness.
public enum Colormap {
    /// The Okabe–Ito palette as `#rrggbb`: blue, vermillion, bluish green, orange, sky blue,
    /// reddish purple, black, yellow (last: it has the least contrast on white).
    public static let okabeIto: [String] = [
        "#0072b2", "#d55e00", "#009e73", "#e69f00", "#56b4e9", "#cc79a7", "#000000", "#f0e442",
    ]

    /// The `index`-th palette colour, cycling after eight.
    public static func categorical(_ index: Int) -> String {
        okabeIto[((index % okabeIto.count) + okabeIto.count) % okabeIto.count]
    }

    /// viridis sampled at 0, 0.1, …, 1 (matplotlib's values), as 8-bit RGB.
    static let viridisAnchors: [(Double, Double, Double)] = [
        (0x44, 0x01, 0x54), (0x48, 0x24, 0x75), (0x41, 0x44, 0x87), (0x35, 0x5f, 0x8d),
        (0x2a, 0x78, 0x8e), (0x21, 0x91, 0x8c), (0x22, 0xa8, 0x84), (0x44, 0xbf, 0x70),
        (0x7a, 0xd1, 0x51), (0xbd, 0xdf, 0x26), (0xfd, 0xe7, 0x25),
    ]

    /// The viridis colour at `t` in 0…1 (clamped), linearly interpolated between the eleven
    /// anchors in sRGB, as 8-bit RGB. Between anchors the map is close to, not exactly, viridis;
    /// the error is under 2 of 255 per channel, invisible in a figure.
    static func viridisRGB(_ t: Double) -> (Int, Int, Int) {
        let u = t.isNaN ? 0 : min(max(t, 0), 1) * Double(viridisAnchors.count - 1)
        let i = min(Int(u), viridisAnchors.count - 2)
        let f = u - Double(i)
        let a = viridisAnchors[i], b = viridisAnchors[i + 1]
        func mix(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * f).rounded()) }
        return (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// The viridis colour at `t` in 0…1 (clamped) as `#rrggbb`.
    public static func viridis(_ t: Double) -> String { hex(viridisRGB(t)) }

    /// Whether text on the viridis colour at `t` should be white (dark background) rather than
    /// black, by the colour's relative luminance (Rec. 709 weights on sRGB, a fair approximation).
    static func prefersWhiteText(_ t: Double) -> Bool {
        let (r, g, b) = viridisRGB(t)
        return 0.2126 * Double(r) + 0.7152 * Double(g) + 0.0722 * Double(b) < 128
    }

    static func hex(_ rgb: (Int, Int, Int)) -> String {
        let digits = Array("0123456789abcdef")
        var out = "#"
        for c in [rgb.0, rgb.1, rgb.2] {
            let v = min(max(c, 0), 255)
            out.append(digits[v / 16]); out.append(digits[v % 16])
        }
        return out
    }
}
