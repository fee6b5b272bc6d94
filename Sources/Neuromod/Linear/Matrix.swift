import CGSL

/// A dense row-major matrix of `Scalar`, the storage of every batched state in Neuromod.
///
/// Neuromod computes in `Double` (``Matrix``, `DenseMatrix<Double>`) so that its results can serve as
/// an exact reference (gradients match finite differences to 1e-6 relative, hand-computed updates to
/// 1e-12); limited-precision hardware is modelled explicitly on top of it rather than by computing in
/// `Float`. `DenseMatrix<Float>` is the storage of the float32 mode (docs/precision.md), whose
/// operations are internal to the `Neuromod` module. Batched state is `[instances × neurons]`: row `n`
/// belongs to instance (sample) `n`.
public struct DenseMatrix<Scalar: BinaryFloatingPoint & Sendable>: Equatable, Sendable {
    /// The number of rows.
    public private(set) var rows: Int
    /// The number of columns.
    public private(set) var cols: Int
    /// The entries, row after row (`rows × cols` of them).
    public var storage: [Scalar]
}

/// The float64 dense matrix: every public API of Neuromod takes and returns this one. Its members are
/// concrete (non-generic) code, the same machine code as before the matrix became generic.
public typealias Matrix = DenseMatrix<Double>

extension DenseMatrix where Scalar == Double {
    /// A `rows × cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, value: Double = 0) {
        precondition(rows >= 0 && cols >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.storage = Array(repeating: value, count: rows * cols)
    }

    /// A matrix over row-major `storage` (its count must be `rows × cols`).
    public init(rows: Int, cols: Int, storage: [Double]) {
        precondition(storage.count == rows * cols, "storage has \(storage.count) values, expected \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A matrix from nested rows (all of one length); for tests and small fixtures.
    public init(_ nested: [[Double]]) {
        let cols = nested.first?.count ?? 0
        precondition(nested.allSatisfy { $0.count == cols }, "rows of different lengths")
        self.init(rows: nested.count, cols: cols, storage: nested.flatMap { $0 })
    }

    public subscript(row: Int, col: Int) -> Double {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    /// Row `r` as an array (a copy).
    public func row(_ r: Int) -> [Double] { Array(storage[(r * cols)..<((r + 1) * cols)]) }

    /// Changes the row count, keeping the column count; contents become `value`. Reuses capacity.
    public mutating func resize(rows newRows: Int, value: Double = 0) {
        rows = newRows
        storage = Array(repeating: value, count: newRows * cols)
    }

    /// The rows listed in `indices`, in that order.
    public func gatherRows(_ indices: some Collection<Int>) -> Matrix {
        var out = Matrix(rows: indices.count, cols: cols)
        gatherRows(indices, into: &out)
        return out
    }

    /// Copies the rows listed in `indices` into `out` (which must have `indices.count` rows).
    public func gatherRows(_ indices: some Collection<Int>, into out: inout Matrix) {
        precondition(out.rows == indices.count && out.cols == cols)
        storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                var r = 0
                for i in indices {
                    let from = i * cols, to = r * cols
                    for c in 0..<cols { dst[to + c] = src[from + c] }
                    r += 1
                }
            }
        }
    }
}

/// Whether a GEMM operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none, transposed
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

extension DenseMatrix where Scalar == Double {
    /// C ← α·op(A)·op(B) + β·C through GSL's CBLAS interface (bound to OpenBLAS at link time).
    public static func gemm(
        _ a: Matrix, _ b: Matrix, transA: Transpose = .none, transB: Transpose = .none,
        alpha: Double = 1, beta: Double = 0, into c: inout Matrix
    ) {
        let m = transA == .none ? a.rows : a.cols
        let k = transA == .none ? a.cols : a.rows
        let kb = transB == .none ? b.rows : b.cols
        let n = transB == .none ? b.cols : b.rows
        precondition(k == kb && c.rows == m && c.cols == n,
                     "gemm shape mismatch: op(A) \(m)×\(k), op(B) \(kb)×\(n), C \(c.rows)×\(c.cols)")
        guard m > 0, n > 0 else { return }
        if k == 0 {
            c.scale(by: beta)
            return
        }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(CblasRowMajor, transA.cblas, transB.cblas,
                                Int32(m), Int32(n), Int32(k), alpha,
                                pa.baseAddress, Int32(max(a.cols, 1)),
                                pb.baseAddress, Int32(max(b.cols, 1)),
                                beta, pc.baseAddress, Int32(max(c.cols, 1)))
                }
            }
        }
    }

    /// Multiplies every entry by `factor`.
    public mutating func scale(by factor: Double) {
        if factor == 1 { return }
        storage.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] *= factor }
        }
    }

    /// self ← self + α·other (same shape).
    public mutating func add(_ other: Matrix, scaledBy alpha: Double = 1) {
        precondition(rows == other.rows && cols == other.cols, "add: shape mismatch")
        storage.withUnsafeMutableBufferPointer { y in
            other.storage.withUnsafeBufferPointer { x in KernelTable.current.addScaled(y, alpha, x) }
        }
    }

    /// self ← self ⊙ other (same shape).
    public mutating func multiplyElementwise(by other: Matrix) {
        precondition(rows == other.rows && cols == other.cols, "multiplyElementwise: shape mismatch")
        storage.withUnsafeMutableBufferPointer { y in
            other.storage.withUnsafeBufferPointer { x in KernelTable.current.multiply(y, by: x) }
        }
    }

    /// Adds `vector` (length `cols`) to every row.
    public mutating func addRowVector(_ vector: [Double]) {
        precondition(vector.count == cols, "addRowVector: length mismatch")
        guard cols > 0 else { return }
        storage.withUnsafeMutableBufferPointer { p in
            vector.withUnsafeBufferPointer { v in KernelTable.current.addRowVector(p, v) }
        }
    }

    /// Column sums scaled by α, added into `out` (length `cols`): out[c] += α Σ_r self[r, c].
    public func addColumnSums(scaledBy alpha: Double, into out: inout [Double]) {
        precondition(out.count == cols)
        let cols = self.cols
        guard cols > 0 else { return }
        storage.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                // Row after row, so each column's sum keeps its order: o += α·row, one kernel pass per row.
                for r in 0..<rows { KernelTable.current.addScaled(o, alpha, UnsafeBufferPointer(rebasing: p[(r * cols)..<((r + 1) * cols)])) }
            }
        }
    }
}

/// Controls the thread count of the BLAS library (OpenBLAS). Results do not depend on it.
public enum BLASThreads {
    /// Sets the number of threads OpenBLAS uses for subsequent calls.
    public static func set(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }
    /// The number of threads OpenBLAS currently uses.
    public static var current: Int { Int(openblas_get_num_threads()) }
}

/// The matrix in either precision, for the numeric core generic over ``NeuromodScalar`` (the float32
/// mode, docs/precision.md). Internal: the float64 engine calls the concrete `Double` members above
/// (which win overload resolution for `Matrix`); these do the same operations in the same order,
/// through ``NeuromodScalar``'s BLAS binding and kernels, so in `Double` they give the same bits.
extension DenseMatrix where Scalar: NeuromodScalar {
    /// A `rows × cols` matrix filled with `value`.
    init(rows: Int, cols: Int, value: Scalar = 0) {
        precondition(rows >= 0 && cols >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.storage = Array(repeating: value, count: rows * cols)
    }

    /// A matrix over row-major `storage` (its count must be `rows × cols`).
    init(rows: Int, cols: Int, storage: [Scalar]) {
        precondition(storage.count == rows * cols, "storage has \(storage.count) values, expected \(rows)×\(cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// `other` in this precision: each entry rounded to the nearest `Scalar` (ties to even; exact for
    /// `Double`). Saved and initial weights stay `Double`; the float32 mode converts them here.
    init(converting other: Matrix) {
        self.init(rows: other.rows, cols: other.cols, storage: other.storage.map { Scalar($0) })
    }

    /// This matrix in float64 (exact: every `Float` is a `Double`).
    var float64: Matrix { Matrix(rows: rows, cols: cols, storage: storage.map { Double($0) }) }

    subscript(row: Int, col: Int) -> Scalar {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    /// Changes the row count, keeping the column count; contents become `value`.
    mutating func resize(rows newRows: Int, value: Scalar = 0) {
        rows = newRows
        storage = Array(repeating: value, count: newRows * cols)
    }

    /// Copies the rows listed in `indices` into `out` (which must have `indices.count` rows).
    func gatherRows(_ indices: some Collection<Int>, into out: inout DenseMatrix<Scalar>) {
        precondition(out.rows == indices.count && out.cols == cols)
        storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                var r = 0
                for i in indices {
                    let from = i * cols, to = r * cols
                    for c in 0..<cols { dst[to + c] = src[from + c] }
                    r += 1
                }
            }
        }
    }

    /// C ← α·op(A)·op(B) + β·C through ``NeuromodScalar/gemm(_:_:m:n:k:alpha:_:lda:_:ldb:beta:_:ldc:)``
    /// (`cblas_dgemm` / `cblas_sgemm`). The float32 mode runs it on one OpenBLAS thread: `sgemm`'s
    /// bits depend on the thread count (docs/precision.md, step 2a).
    static func gemm(
        _ a: DenseMatrix<Scalar>, _ b: DenseMatrix<Scalar>, transA: Transpose = .none, transB: Transpose = .none,
        alpha: Scalar = 1, beta: Scalar = 0, into c: inout DenseMatrix<Scalar>
    ) {
        let m = transA == .none ? a.rows : a.cols
        let k = transA == .none ? a.cols : a.rows
        let kb = transB == .none ? b.rows : b.cols
        let n = transB == .none ? b.cols : b.rows
        precondition(k == kb && c.rows == m && c.cols == n,
                     "gemm shape mismatch: op(A) \(m)×\(k), op(B) \(kb)×\(n), C \(c.rows)×\(c.cols)")
        guard m > 0, n > 0 else { return }
        if k == 0 {
            c.scale(by: beta)
            return
        }
        let ldc = max(c.cols, 1)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    Scalar.gemm(transA, transB, m: m, n: n, k: k, alpha: alpha, pa.baseAddress!, lda: max(a.cols, 1),
                                pb.baseAddress!, ldb: max(b.cols, 1), beta: beta, pc.baseAddress!, ldc: ldc)
                }
            }
        }
    }

    /// Multiplies every entry by `factor`.
    mutating func scale(by factor: Scalar) {
        if factor == 1 { return }
        storage.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] *= factor }
        }
    }

    /// self ← self + α·other (same shape).
    mutating func add(_ other: DenseMatrix<Scalar>, scaledBy alpha: Scalar = 1) {
        precondition(rows == other.rows && cols == other.cols, "add: shape mismatch")
        storage.withUnsafeMutableBufferPointer { y in
            other.storage.withUnsafeBufferPointer { x in Scalar.addScaled(.current, y, alpha, x) }
        }
    }

    /// self ← self ⊙ other (same shape).
    mutating func multiplyElementwise(by other: DenseMatrix<Scalar>) {
        precondition(rows == other.rows && cols == other.cols, "multiplyElementwise: shape mismatch")
        storage.withUnsafeMutableBufferPointer { y in
            other.storage.withUnsafeBufferPointer { x in Scalar.multiply(.current, y, by: x) }
        }
    }

    /// Adds `vector` (length `cols`) to every row.
    mutating func addRowVector(_ vector: [Scalar]) {
        precondition(vector.count == cols, "addRowVector: length mismatch")
        guard cols > 0 else { return }
        storage.withUnsafeMutableBufferPointer { p in
            vector.withUnsafeBufferPointer { v in Scalar.addRowVector(.current, p, v) }
        }
    }

    /// Column sums scaled by α, added into `out` (length `cols`): out[c] += α Σ_r self[r, c], row after
    /// row (each column's sum in row order).
    func addColumnSums(scaledBy alpha: Scalar, into out: inout [Scalar]) {
        precondition(out.count == cols)
        let cols = self.cols
        guard cols > 0 else { return }
        storage.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for r in 0..<rows { Scalar.addScaled(.current, o, alpha, UnsafeBufferPointer(rebasing: p[(r * cols)..<((r + 1) * cols)])) }
            }
        }
    }
}
