/// Errors raised while reading data files: missing or unreadable files, damaged gzip streams,
/// malformed numeric CSV tables, IDX files and labeled-pixel CSV files.
///
/// Every description is one line that starts with the file's path as it was given, so a message
/// such as `data/x.csv: line 7, column 'MedInc': non-numeric cell "abc"` locates the problem without
/// further context. Line numbers are 1-based and count the header as line 1; byte offsets are 0-based
/// positions in the file as stored (the compressed bytes, for gzip files).
public enum DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No file exists at `path`.
    case fileNotFound(path: String)
    /// The file exists but could not be read (a directory, missing permission, …).
    case unreadable(path: String)
    /// The gzip stream is damaged: bad header, invalid deflate data, checksum mismatch or data after
    /// the last member. `offset` is where zlib stopped reading; `detail` is zlib's message, if any.
    case corruptGzip(path: String, offset: Int, detail: String?)
    /// The gzip stream ends before its final member is complete; `offset` is the file's size.
    case truncatedGzip(path: String, offset: Int)
    /// The file holds no header line (it is empty or blank).
    case emptyFile(path: String)
    /// The header line is unusable (an empty or repeated column name).
    case invalidHeader(path: String, problem: String)
    /// The file has a header but no data rows.
    case noDataRows(path: String)
    /// A data row has a different number of cells than the header.
    case raggedRow(path: String, line: Int, cells: Int, expected: Int)
    /// A cell is not a decimal number.
    case nonNumericCell(path: String, line: Int, column: String, text: String)
    /// A cell is a number but not finite (`nan`, `inf`, or overflows a `Double`).
    case nonFiniteCell(path: String, line: Int, column: String, text: String)
    /// A requested column does not exist; `available` lists the header's columns.
    case columnNotFound(path: String, column: String, available: [String])
    /// A column is constant on the data it was fitted on, so it cannot be scaled to unit variance.
    case zeroVariance(path: String, column: String)
    /// An IDX file (MNIST format) is malformed: bad magic, truncated header or data, trailing bytes,
    /// or contents that do not fit its companion file. `offset` counts in the decompressed content.
    case invalidIDX(path: String, offset: Int, problem: String)
    /// The classes asked of an image classification set are empty, repeated, or outside `allowed`
    /// (the labels the file can hold); `path` is the file holding the labels.
    case invalidClasses(path: String, classes: [Int], allowed: ClosedRange<Int>)
    /// A row of a headerless labeled-pixel CSV file (``LabeledPixelCSV``) has a different number of
    /// cells than the file's first row.
    case unevenRow(path: String, line: Int, cells: Int, expected: Int)
    /// The first row of a headerless labeled-pixel CSV file has a single cell: no pixels before the label.
    case noPixels(path: String, line: Int)
    /// A cell of a headerless labeled-pixel CSV file is not a decimal integer; `column` is 1-based.
    case nonIntegerCell(path: String, line: Int, column: Int, text: String)
    /// A pixel of a labeled-pixel CSV file lies outside 0…`maxPixel`; `column` is 1-based.
    case pixelOutOfRange(path: String, line: Int, column: Int, text: String, maxPixel: Int)
    /// The label (last cell) of a labeled-pixel CSV row lies outside 0…9; `column` is 1-based.
    case labelOutOfRange(path: String, line: Int, column: Int, text: String)
    /// Reading the file would need more memory than ``MemoryLimit`` allows; `problem` says what
    /// (e.g. "inflates to more than 8 GB"), before anything that large is allocated.
    case tooLarge(path: String, problem: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): file not found"
        case .unreadable(let path):
            return "\(path): cannot read file"
        case .corruptGzip(let path, let offset, let detail):
            return "\(path): corrupt gzip stream at byte \(offset)" + (detail.map { " (\($0))" } ?? "")
        case .truncatedGzip(let path, let offset):
            return "\(path): truncated gzip stream, input ends at byte \(offset) before the stream is complete"
        case .emptyFile(let path):
            return "\(path): empty file (no header)"
        case .invalidHeader(let path, let problem):
            return "\(path): line 1: \(problem)"
        case .noDataRows(let path):
            return "\(path): no data rows"
        case .raggedRow(let path, let line, let cells, let expected):
            return "\(path): line \(line): row has \(cells) cells, header has \(expected)"
        case .nonNumericCell(let path, let line, let column, let text):
            return "\(path): line \(line), column '\(column)': non-numeric cell \"\(text)\""
        case .nonFiniteCell(let path, let line, let column, let text):
            return "\(path): line \(line), column '\(column)': non-finite value \"\(text)\""
        case .columnNotFound(let path, let column, let available):
            return "\(path): column '\(column)' not found (columns: \(available.joined(separator: ", ")))"
        case .zeroVariance(let path, let column):
            return "\(path): column '\(column)' has zero variance, cannot standardize"
        case .invalidIDX(let path, let offset, let problem):
            return "\(path): invalid IDX file at byte \(offset) (decompressed): \(problem)"
        case .invalidClasses(let path, let classes, let allowed):
            return "\(path): classes must be distinct values \(allowed.lowerBound)…\(allowed.upperBound), got \(classes)"
        case .unevenRow(let path, let line, let cells, let expected):
            return "\(path): line \(line): row has \(cells) cells, the first row has \(expected)"
        case .noPixels(let path, let line):
            return "\(path): line \(line): row has 1 cell, need pixels then a label"
        case .nonIntegerCell(let path, let line, let column, let text):
            return "\(path): line \(line), column \(column): non-integer cell \"\(text)\""
        case .pixelOutOfRange(let path, let line, let column, let text, let maxPixel):
            return "\(path): line \(line), column \(column): pixel \(text) outside 0…\(maxPixel)"
        case .labelOutOfRange(let path, let line, let column, let text):
            return "\(path): line \(line), column \(column): label \(text) outside 0…9"
        case .tooLarge(let path, let problem):
            return "\(path): \(problem); the limit is \(MemoryLimit.described)"
        }
    }
}
