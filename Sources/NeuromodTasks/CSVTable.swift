import Neuromod

/// A numeric table read from a CSV file with a header line, such as
/// ../shared/data/california_housing.csv (see ../shared/data/README.md for its format).
///
/// Accepted format: UTF-8 text (an optional byte-order mark is skipped), LF or CRLF line ends, one
/// header line of column names, then one line per row of comma-separated decimal numbers. There is no
/// quoting. Spaces and tabs around names and cells are ignored, and so are blank lines (such as the
/// empty line after a final line end). Numbers are parsed with Swift's `Double(String)`, which rounds
/// correctly, so a value written as the shortest round-tripping decimal (Python's `repr`) is read back
/// bit for bit. `nan`, `inf` and values that overflow a `Double` are rejected.
///
/// Errors are ``DataError``s naming the file and, for cells, the line (1-based, the header is line 1)
/// and the column.
public struct CSVTable: Sendable, Equatable {
    /// Where the table was read from, as given to ``load(path:)``; used in error messages.
    public var source: String
    /// The column names, in file order.
    public var columns: [String]
    /// The cells, `[rows × columns.count]`, row-major in file order.
    public var values: Matrix

    /// Number of data rows.
    public var rows: Int { values.rows }

    /// A table over `values`, whose column count must equal `columns.count`.
    public init(source: String, columns: [String], values: Matrix) {
        precondition(values.cols == columns.count, "table has \(columns.count) names for \(values.cols) columns")
        self.source = source
        self.columns = columns
        self.values = values
    }

    /// Reads the CSV file at `path`, plain or gzip-compressed (detected from its first bytes).
    public static func load(path: String) throws -> CSVTable {
        try parse(DataFile.read(path: path), source: path)
    }

    /// Parses CSV text held in `bytes`; `source` names it in error messages. Cells beyond
    /// ``MemoryLimit`` (8 bytes each, beside the text) are ``DataError/tooLarge(path:problem:)``.
    public static func parse(_ bytes: [UInt8], source: String) throws -> CSVTable {
        try bytes.withUnsafeBufferPointer { text in
            var lines = LineReader(text: text)
            guard let (_, headerRange) = lines.next() else { throw DataError.emptyFile(path: source) }
            let columns = try headerNames(text, headerRange, source: source)

            var values: [Double] = []
            var rows = 0
            let limit = MemoryLimit.bytes - bytes.count
            while let (line, range) = lines.next() {
                guard MemoryLimit.product(values.count + columns.count, MemoryLayout<Double>.size) <= limit else {
                    throw DataError.tooLarge(path: source, problem: "the table's cells need more than \(MemoryLimit.format(limit)) beside its text")
                }
                let cells = 1 + text[range].reduce(0) { $0 + ($1 == comma ? 1 : 0) }
                guard cells == columns.count else {
                    throw DataError.raggedRow(path: source, line: line, cells: cells, expected: columns.count)
                }
                var start = range.lowerBound
                for column in columns.indices {
                    var end = start
                    while end < range.upperBound && text[end] != comma { end += 1 }
                    values.append(try number(text, trimmed(text, start..<end), source: source, line: line,
                                             column: columns[column]))
                    start = end + 1
                }
                rows += 1
            }
            guard rows > 0 else { throw DataError.noDataRows(path: source) }
            return CSVTable(source: source, columns: columns, values: Matrix(rows: rows, cols: columns.count, storage: values))
        }
    }

    /// Index of the column named `name`.
    ///
    /// - Throws: ``DataError/columnNotFound(path:column:available:)``.
    public func columnIndex(_ name: String) throws -> Int {
        guard let index = columns.firstIndex(of: name) else {
            throw DataError.columnNotFound(path: source, column: name, available: columns)
        }
        return index
    }
}

// MARK: - Parsing helpers

private let comma = UInt8(ascii: ",")

/// Yields the non-blank lines of a text with their 1-based line numbers, without line-end bytes
/// (also used by ``LabeledPixelCSV``).
struct LineReader {
    let text: UnsafeBufferPointer<UInt8>
    var position = 0
    var lineNumber = 0

    init(text: UnsafeBufferPointer<UInt8>) {
        self.text = text
        if text.count >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF { position = 3 }
    }

    mutating func next() -> (Int, Range<Int>)? {
        while position < text.count {
            lineNumber += 1
            let start = position
            while position < text.count && text[position] != UInt8(ascii: "\n") { position += 1 }
            var end = position
            position += 1
            if end > start && text[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            if !trimmed(text, start..<end).isEmpty { return (lineNumber, start..<end) }
        }
        return nil
    }
}

/// `range` without leading and trailing spaces and tabs.
func trimmed(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
    func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
    var lower = range.lowerBound, upper = range.upperBound
    while lower < upper && isBlank(text[lower]) { lower += 1 }
    while upper > lower && isBlank(text[upper - 1]) { upper -= 1 }
    return lower..<upper
}

private func string(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self)
}

/// The column names of the header line; they must be non-empty and distinct.
private func headerNames(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, source: String) throws -> [String] {
    var names: [String] = []
    var start = range.lowerBound
    while start <= range.upperBound {
        var end = start
        while end < range.upperBound && text[end] != comma { end += 1 }
        let name = string(text, trimmed(text, start..<end))
        guard !name.isEmpty else {
            throw DataError.invalidHeader(path: source, problem: "column \(names.count + 1) has an empty name")
        }
        guard !names.contains(name) else {
            throw DataError.invalidHeader(path: source, problem: "duplicate column '\(name)'")
        }
        names.append(name)
        start = end + 1
    }
    return names
}

/// The finite number written in `range`.
private func number(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, source: String, line: Int,
                    column: String) throws -> Double {
    let cell = string(text, range)
    guard let value = Double(cell) else {
        throw DataError.nonNumericCell(path: source, line: line, column: column, text: cell)
    }
    guard value.isFinite else {
        throw DataError.nonFiniteCell(path: source, line: line, column: column, text: cell)
    }
    return value
}
