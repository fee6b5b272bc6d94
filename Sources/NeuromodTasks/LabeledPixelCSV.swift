/// Labeled images stored as a headerless CSV file, one image per line: the pixels, then the label.
///
/// This is the layout of ../shared/data/digits.csv.gz (scikit-learn's 8×8 digits: 64 pixels 0…16,
/// then the label) and ../shared/data/mnist_5k.csv.gz (784 pixels 0…255, then the label); see
/// ../shared/data/README.md. Accepted format: UTF-8 text, plain or gzip-compressed (detected from the
/// content), an optional byte-order mark, LF or CRLF line ends, no header and no quoting. Every cell is
/// a decimal integer (optionally surrounded by spaces or tabs); every row has as many cells as the
/// first one, which must have at least two. Pixels must lie in 0…`maxPixel`, labels in 0…9. Blank
/// lines are skipped but counted.
///
/// Errors are ``DataError``s naming the file, the line (1-based, blank lines included) and, for a
/// cell, its column (1-based).
public struct LabeledPixelCSV: Sendable, Equatable {
    /// Where the images were read from, as given to ``load(path:maxPixel:)``; used in error messages.
    public var source: String
    /// The largest pixel value the file may hold (16 for digits, 255 for MNIST).
    public var maxPixel: Int
    /// Pixels per image (the cells of a row less the label).
    public var width: Int
    /// The pixels, `count × width`, image after image in file order.
    public var pixels: [UInt8]
    /// The labels 0…9, one per image, in file order.
    public var labels: [UInt8]

    /// Number of images.
    public var count: Int { labels.count }

    /// Reads the file at `path`, plain or gzip-compressed, whose pixels lie in 0…`maxPixel`.
    ///
    /// - Parameters:
    ///   - path: the file, plain or gzip-compressed (`.gz`).
    ///   - maxPixel: the file's largest possible pixel value, 1…255 (255 for mnist_5k.csv.gz, 16 for
    ///     digits.csv.gz).
    /// - Throws: the ``DataError``s of ``DataFile/read(path:)`` and of ``parse(_:source:maxPixel:)``.
    public static func load(path: String, maxPixel: Int) throws -> LabeledPixelCSV {
        try parse(DataFile.read(path: path), source: path, maxPixel: maxPixel)
    }

    /// Parses CSV text held in `bytes`; `source` names it in error messages.
    ///
    /// - Throws: ``DataError/noDataRows(path:)`` for a file without rows,
    ///   ``DataError/noPixels(path:line:)``, ``DataError/unevenRow(path:line:cells:expected:)``,
    ///   ``DataError/nonIntegerCell(path:line:column:text:)``,
    ///   ``DataError/pixelOutOfRange(path:line:column:text:maxPixel:)`` and
    ///   ``DataError/labelOutOfRange(path:line:column:text:)``.
    public static func parse(_ bytes: [UInt8], source: String, maxPixel: Int) throws -> LabeledPixelCSV {
        precondition((1...255).contains(maxPixel), "maxPixel must be 1…255, got \(maxPixel)")
        return try bytes.withUnsafeBufferPointer { text in
            var lines = LineReader(text: text)
            var cellsPerRow = 0
            var pixels: [UInt8] = [], labels: [UInt8] = []
            while let (line, range) = lines.next() {
                var cells = 1
                for i in range where text[i] == comma { cells += 1 }
                if cellsPerRow == 0 {
                    guard cells >= 2 else { throw DataError.noPixels(path: source, line: line) }
                    cellsPerRow = cells
                    let rowsEstimate = text.count / (range.count + 1) + 1
                    pixels.reserveCapacity(rowsEstimate * (cells - 1))
                    labels.reserveCapacity(rowsEstimate)
                } else if cells != cellsPerRow {
                    throw DataError.unevenRow(path: source, line: line, cells: cells, expected: cellsPerRow)
                }
                var start = range.lowerBound
                for column in 1...cells {
                    var end = start
                    while end < range.upperBound && text[end] != comma { end += 1 }
                    let cell = trimmed(text, start..<end)
                    let isLabel = column == cells
                    guard let value = integer(text, cell) else {
                        throw DataError.nonIntegerCell(path: source, line: line, column: column, text: string(text, cell))
                    }
                    if isLabel {
                        guard (0...9).contains(value) else {
                            throw DataError.labelOutOfRange(path: source, line: line, column: column, text: string(text, cell))
                        }
                        labels.append(UInt8(value))
                    } else {
                        guard (0...maxPixel).contains(value) else {
                            throw DataError.pixelOutOfRange(path: source, line: line, column: column,
                                                            text: string(text, cell), maxPixel: maxPixel)
                        }
                        pixels.append(UInt8(value))
                    }
                    start = end + 1
                }
            }
            guard !labels.isEmpty else { throw DataError.noDataRows(path: source) }
            return LabeledPixelCSV(source: source, maxPixel: maxPixel, width: cellsPerRow - 1, pixels: pixels, labels: labels)
        }
    }
}

extension ImageClassification {
    /// Loads the headerless labeled-pixel CSV file at `path` (see ``LabeledPixelCSV``), keeping only
    /// `classes` (nil: 0…9) and the first `limit` images of those (nil: all; 0: none), in file order,
    /// exactly as ``load(folder:split:classes:limit:scaling:)`` does for IDX files.
    ///
    /// Inputs are the pixels divided by `maxPixel` (``PixelScaling/unit``), or
    /// (x/maxPixel − mean) / sd; targets are one-hot over the kept classes in ascending order. The
    /// dataset is named after the file, without `.gz` and `.csv` (e.g. `digits`).
    /// - Parameters:
    ///   - path: the file, plain or gzip-compressed (`.gz`).
    ///   - maxPixel: the file's largest possible pixel value: 16 for digits.csv.gz, 255 for
    ///     mnist_5k.csv.gz.
    ///   - classes: the labels to keep (nil: 0…9).
    ///   - limit: at most this many images of the kept classes, the first in file order (nil: all).
    ///   - scaling: how pixels become inputs (``PixelScaling``).
    /// - Throws: the ``DataError``s of ``LabeledPixelCSV/load(path:maxPixel:)``, and
    ///   ``DataError/invalidClasses(path:classes:allowed:)`` if `classes` is empty, repeated or
    ///   outside 0…9.
    public static func loadCSV(path: String, maxPixel: Int, classes: [Int]? = nil, limit: Int? = nil,
                               scaling: PixelScaling = .unit) throws -> Dataset {
        let file = try LabeledPixelCSV.load(path: path, maxPixel: maxPixel)
        var name = path.split(separator: "/").last.map(String.init) ?? path
        for suffix in [".gz", ".csv"] where name.hasSuffix(suffix) && name.count > suffix.count {
            name.removeLast(suffix.count)
        }
        return try dataset(name: name, source: path, pixels: file.pixels, width: file.width, labels: file.labels,
                           maxPixel: maxPixel, allowedClasses: 0...9, classes: classes, limit: limit, scaling: scaling)
    }
}

// MARK: - Parsing helpers

private let comma = UInt8(ascii: ",")

/// The integer written in `range` as optional `-` and decimal digits, or nil; values beyond
/// ±10⁹ are clamped (they are out of range for any pixel or label, and messages quote the text).
private func integer(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
    var i = range.lowerBound
    let negative = i < range.upperBound && text[i] == UInt8(ascii: "-")
    if negative { i += 1 }
    guard i < range.upperBound else { return nil }
    var value = 0
    while i < range.upperBound {
        let digit = Int(text[i]) - 48
        guard (0...9).contains(digit) else { return nil }
        value = min(value * 10 + digit, 1_000_000_000)
        i += 1
    }
    return negative ? -value : value
}

private func string(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self)
}
