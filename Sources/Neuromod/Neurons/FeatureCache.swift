/// The activity of a fixed (non-plastic) layer for every sample of a dataset, computed once and
/// stored in single precision.
///
/// Seed 003's dopaminergic nets learn only the readout, so the hidden layer's response to each
/// image never changes; caching it turns every later epoch into readout work alone. Single
/// precision halves the memory: 60 000 × 1 000 activities take 240 MB instead of 480 MB.
public struct FeatureCache: Sendable {
    public let rows: Int
    public let cols: Int
    public private(set) var storage: [Float]

    /// φ(inputs · Wᵀ + b) for `layer` (`[features × inputs]`), computed `blockRows` samples at a time
    /// in double precision, so the peak extra memory is one block.
    public init(inputs: Matrix, layer: LayerParameters, activation: Activation, blockRows: Int = 1024) {
        precondition(inputs.cols == layer.weights.cols, "layer expects \(layer.weights.cols) inputs, got \(inputs.cols)")
        rows = inputs.rows
        cols = layer.weights.rows
        storage = [Float](repeating: 0, count: rows * cols)
        var start = 0
        while start < rows {
            let count = min(blockRows, rows - start)
            var block = Matrix(rows: count, cols: cols)
            Matrix.gemm(inputs.gatherRows(start..<(start + count)), layer.weights, transB: .transposed, into: &block)
            block.addRowVector(layer.bias)
            var activity = block
            block.storage.withUnsafeBufferPointer { z in
                activity.storage.withUnsafeMutableBufferPointer { activation.apply(z, width: cols, into: $0) }
            }
            for k in 0..<(count * cols) { storage[start * cols + k] = Float(activity.storage[k]) }
            start += count
        }
    }

    /// The rows listed in `indices`, in that order, in double precision.
    public func gatherRows(_ indices: some Collection<Int>) -> Matrix {
        var out = Matrix(rows: indices.count, cols: cols)
        storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                var r = 0
                for i in indices {
                    for c in 0..<cols { dst[r * cols + c] = Double(src[i * cols + c]) }
                    r += 1
                }
            }
        }
        return out
    }
}
