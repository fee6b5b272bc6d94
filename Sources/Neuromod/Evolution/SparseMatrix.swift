import Foundation

/// A sparse matrix in compressed-row form: row r's nonzeros are `values[rowStart[r]..<rowStart[r+1]]`
/// in the columns `columns[...]`, in increasing column order.
///
/// Used for seed 003's weight-generation matrix (links × genes), which stays sparse: it is never
/// expanded, and a genotype's weights come from one pass over its nonzeros.
public struct SparseMatrix: Sendable, Equatable {
    public let rows: Int
    public let cols: Int
    public let rowStart: [Int]
    public let columns: [Int32]
    public let values: [Double]

    /// A matrix from compressed-row arrays (checked: sizes, column range and order).
    public init(rows: Int, cols: Int, rowStart: [Int], columns: [Int32], values: [Double]) {
        precondition(rowStart.count == rows + 1 && rowStart.first == 0 && rowStart.last == columns.count,
                     "rowStart must have rows + 1 entries from 0 to the number of nonzeros")
        precondition(columns.count == values.count, "one column per value")
        for r in 0..<rows {
            precondition(rowStart[r] <= rowStart[r + 1], "rowStart must not decrease")
            var previous = -1
            for k in rowStart[r]..<rowStart[r + 1] {
                precondition(Int(columns[k]) > previous && Int(columns[k]) < cols, "columns must increase within a row and lie in 0..<\(cols)")
                previous = Int(columns[k])
            }
        }
        self.rows = rows
        self.cols = cols
        self.rowStart = rowStart
        self.columns = columns
        self.values = values
    }

    /// Number of stored nonzeros.
    public var nonzeros: Int { values.count }

    /// Each entry independently nonzero with probability `density`, its value drawn by `entry`.
    ///
    /// Positions are found by geometric skips (the gap to the next nonzero is Geometric(density)),
    /// so the cost is proportional to the number of nonzeros, not to rows × cols.
    public static func random(rows: Int, cols: Int, density: Double, rng: RandomGenerator,
                              entry: (RandomGenerator) -> Double) -> SparseMatrix {
        precondition(density > 0 && density <= 1, "density must lie in (0, 1]")
        var rowStart = [0], columns: [Int32] = [], values: [Double] = []
        let logMiss = log(1 - density)
        for _ in 0..<rows {
            var c = -1
            while true {
                // Gap ≥ 1 to the next nonzero: 1 + floor(ln U / ln(1 − β)), U uniform in (0, 1].
                let u = 1 - rng.uniform()
                c += density == 1 ? 1 : 1 + Int(min(log(u) / logMiss, Double(cols)))
                if c >= cols { break }
                columns.append(Int32(c))
                values.append(entry(rng))
            }
            rowStart.append(columns.count)
        }
        return SparseMatrix(rows: rows, cols: cols, rowStart: rowStart, columns: columns, values: values)
    }

    /// y = A x.
    public func multiply(_ x: [Double]) -> [Double] {
        precondition(x.count == cols, "vector has \(x.count) entries, matrix \(cols) columns")
        var y = [Double](repeating: 0, count: rows)
        for r in 0..<rows {
            var total = 0.0
            for k in rowStart[r]..<rowStart[r + 1] { total += values[k] * x[Int(columns[k])] }
            y[r] = total
        }
        return y
    }

    /// y = A x for a 0/1 vector `x` (a genotype), written into `y`.
    public func multiply(genotype x: [UInt8], into y: UnsafeMutableBufferPointer<Double>) {
        precondition(x.count == cols && y.count == rows, "genotype or output has the wrong length")
        x.withUnsafeBufferPointer { x in
            rowStart.withUnsafeBufferPointer { start in
                values.withUnsafeBufferPointer { v in
                    columns.withUnsafeBufferPointer { c in
                        for r in 0..<rows {
                            var total = 0.0
                            for k in start[r]..<start[r + 1] where x[Int(c[k])] != 0 { total += v[k] }
                            y[r] = total
                        }
                    }
                }
            }
        }
    }
}
