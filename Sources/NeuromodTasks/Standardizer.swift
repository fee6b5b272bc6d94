import Neuromod

/// Per-column z-scoring: x ↦ (x − μ) / σ, with μ and σ the column's mean and population standard
/// deviation (ddof = 0, as scikit-learn's `StandardScaler`) on the data it was fitted on.
///
/// Fit on the training set only and apply the same transform to the training and the test set, so
/// that nothing about the test set leaks into training. After ``apply(to:)`` the fitted data has
/// column means 0 and population standard deviations 1 up to rounding (about 1e-15 relative); other
/// data is merely shifted and scaled by the same amounts.
public struct Standardizer: Sendable, Equatable, Codable {
    /// Column means μ of the fitted data; empty before fitting.
    public private(set) var mean: [Double]
    /// Column population standard deviations σ (all > 0) of the fitted data; empty before fitting.
    public private(set) var std: [Double]

    /// An unfitted standardizer; call ``fit(_:columnNames:source:)`` before applying it.
    public init() {
        mean = []
        std = []
    }

    /// A standardizer with given statistics (for example restored from a saved run).
    public init(mean: [Double], std: [Double]) {
        precondition(mean.count == std.count, "mean and std must have one entry per column")
        precondition(std.allSatisfy { $0 > 0 && $0.isFinite }, "standard deviations must be positive and finite")
        self.mean = mean
        self.std = std
    }

    /// Sets ``mean`` and ``std`` to the column statistics of `m` (two passes, for accuracy).
    ///
    /// - Parameters:
    ///   - m: the data, one row per sample; at least one row.
    ///   - columnNames: names used in error messages; default the 0-based column indices.
    ///   - source: what the data is (a file path, a dataset name) for error messages; default `matrix`.
    /// - Throws: ``DataError/noDataRows(path:)`` if `m` has no rows, ``DataError/zeroVariance(path:column:)``
    ///   if a column is constant.
    public mutating func fit(_ m: Matrix, columnNames: [String]? = nil, source: String = "matrix") throws {
        precondition(columnNames == nil || columnNames!.count == m.cols, "one name per column")
        guard m.rows > 0 else { throw DataError.noDataRows(path: source) }
        var mean = [Double](repeating: 0, count: m.cols)
        var std = [Double](repeating: 0, count: m.cols)
        for c in 0..<m.cols {
            var sum = 0.0, low = m[0, c], high = m[0, c]
            for r in 0..<m.rows {
                let x = m[r, c]
                sum += x
                low = min(low, x)
                high = max(high, x)
            }
            guard low < high else {
                throw DataError.zeroVariance(path: source, column: columnNames?[c] ?? "\(c)")
            }
            mean[c] = sum / Double(m.rows)
            var squares = 0.0
            for r in 0..<m.rows {
                let d = m[r, c] - mean[c]
                squares += d * d
            }
            std[c] = (squares / Double(m.rows)).squareRoot()
        }
        self.mean = mean
        self.std = std
    }

    /// Replaces every entry x of column c by (x − mean[c]) / std[c].
    public func apply(to m: inout Matrix) {
        precondition(m.cols == mean.count, "standardizer fitted on \(mean.count) columns, applied to \(m.cols)")
        for r in 0..<m.rows {
            for c in 0..<m.cols { m[r, c] = (m[r, c] - mean[c]) / std[c] }
        }
    }

    /// Undoes ``apply(to:)``: replaces every entry z of column c by z · std[c] + mean[c]
    /// (for example to report predictions of standardized targets in their original units).
    public func applyInverse(to m: inout Matrix) {
        precondition(m.cols == mean.count, "standardizer fitted on \(mean.count) columns, applied to \(m.cols)")
        for r in 0..<m.rows {
            for c in 0..<m.cols { m[r, c] = m[r, c] * std[c] + mean[c] }
        }
    }
}
