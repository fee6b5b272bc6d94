import Foundation
import Neuromod
import NeuromodTasks

/// A trained network as `--save-weights` writes it and `network: {initial_weights: FILE}` reads it:
/// a NumPy `.npz` (see docs/weights.md).
///
/// | member | dtype, shape | contents |
/// |---|---|---|
/// | `sizes.npy` | int64, (L+1,) | layer sizes, the input first |
/// | `activations.npy` | `<Un`, (L,) | each layer's activation by its spec name (`sigmoid`, `leaky-relu(0.1)`, …) |
/// | `W0.npy` … `W{L-1}.npy` | float64, (sizes[l+1], sizes[l]) | weights of projection l (row: post-synaptic neuron), C order |
/// | `b0.npy` … `b{L-1}.npy` | float64, (sizes[l+1],) | biases of layer l+1 |
///
/// Only the weights are state; noise, leak and sparse connectivity belong to the spec that loads
/// them (a sparse layer zeroes loaded weights outside the mask its spec draws).
public struct SavedNetwork: Sendable, Equatable {
    /// Layer sizes including the input.
    public var sizes: [Int]
    public var activations: [Activation]
    public var parameters: [LayerParameters]

    public init(sizes: [Int], activations: [Activation], parameters: [LayerParameters]) {
        self.sizes = sizes
        self.activations = activations
        self.parameters = parameters
    }

    /// The current weights and architecture of `network` (a copy).
    public init(_ network: Network) {
        self.init(sizes: network.layerSizes, activations: network.populations.map(\.activation), parameters: network.parameters)
    }

    /// The `.npz` bytes (members in the order of the table above, `sizes` and `activations` first).
    public func npz() -> Data {
        var members: [(name: String, data: Data)] = [
            ("sizes.npy", NPY.encode(sizes.map(Int64.init))), ("activations.npy", NPY.encode(activations.map(\.description))),
        ]
        for (l, p) in parameters.enumerated() {
            members.append(("W\(l).npy", NPY.encode(p.weights.storage, shape: [p.weights.rows, p.weights.cols])))
            members.append(("b\(l).npy", NPY.encode(p.bias, shape: [p.bias.count])))
        }
        return StoredZip.archive(members)
    }

    /// Reads the `.npz` at `path` for a network of `sizes` (input first) and `activations`; every
    /// member's header, dtype and shape is checked against them before its values are read, and the
    /// file's size against the bytes those shapes need (and ``MemoryLimit``) before it is read.
    /// Any mismatch is a one-line ``WeightsError`` naming the file and the member.
    public static func load(path: String, sizes: [Int], activations: [Activation]) throws -> SavedNetwork {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue, attributes?[.type] as? FileAttributeType == .typeRegular else {
            throw WeightsError(file: path, message: "cannot read the weights file (missing or not a regular file)")
        }
        let values = MemoryLimit.sum(zip(sizes, sizes.dropFirst()).map { MemoryLimit.product($1, $0 + 1, 8) })
        let allowed = min(MemoryLimit.sum([values, 1 << 20, values / 2]), MemoryLimit.bytes)
        guard size <= allowed else {
            throw WeightsError(file: path, message: "\(size) bytes; a network of sizes \(sizes) needs about \(values), the limit is \(allowed)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WeightsError(file: path, message: "cannot read the weights file")
        }
        return try decode([UInt8](data), file: path, sizes: sizes, activations: activations)
    }

    /// ``load(path:sizes:activations:)`` on bytes in memory (`file` names them in errors).
    static func decode(_ bytes: [UInt8], file: String, sizes: [Int], activations: [Activation]) throws -> SavedNetwork {
        let members = try StoredZip.members(of: bytes, file: file)
        func array(_ name: String, _ dtype: NPY.DType?, _ shape: [Int]) throws -> NPY.Stored {
            let fail = { (message: String) in WeightsError(file: file, member: name, message: message) }
            guard let range = members[name] else { throw fail("missing from the archive") }
            let stored = try NPY.read(bytes, range, fail: fail)
            if let dtype, stored.dtype != dtype { throw fail("dtype '\(stored.dtype.descr)', expected '\(dtype.descr)'") }
            guard stored.shape == shape else {
                throw fail("shape \(NPY.shapeText(stored.shape)), expected \(NPY.shapeText(shape)) from the spec's network")
            }
            return stored
        }
        let storedSizes = try array("sizes.npy", .int64, [sizes.count])
        let savedSizes = int64s(bytes, storedSizes.data).map(Int.init)
        guard savedSizes == sizes else {
            throw WeightsError(file: file, member: "sizes.npy", message: "layer sizes \(savedSizes), the spec's network has \(sizes)")
        }
        let storedActivations = try array("activations.npy", nil, [activations.count])
        guard case .unicode(let width) = storedActivations.dtype else {
            throw WeightsError(file: file, member: "activations.npy", message: "dtype '\(storedActivations.dtype.descr)', expected strings ('<U…')")
        }
        let names = strings(bytes, storedActivations.data, width: width)
        guard names == activations.map(\.description) else {
            throw WeightsError(file: file, member: "activations.npy",
                               message: "activations \(names), the spec's network has \(activations.map(\.description))")
        }
        let parameters = try (0..<activations.count).map { l in
            let w = try array("W\(l).npy", .float64, [sizes[l + 1], sizes[l]]), b = try array("b\(l).npy", .float64, [sizes[l + 1]])
            return LayerParameters(weights: Matrix(rows: sizes[l + 1], cols: sizes[l], storage: doubles(bytes, w.data)),
                                   bias: doubles(bytes, b.data))
        }
        return SavedNetwork(sizes: sizes, activations: activations, parameters: parameters)
    }

    static func doubles(_ bytes: [UInt8], _ range: Range<Int>) -> [Double] {
        stride(from: range.lowerBound, to: range.upperBound, by: 8).map { Double(bitPattern: u64(bytes, $0)) }
    }

    static func int64s(_ bytes: [UInt8], _ range: Range<Int>) -> [Int64] {
        stride(from: range.lowerBound, to: range.upperBound, by: 8).map { Int64(bitPattern: u64(bytes, $0)) }
    }

    static func strings(_ bytes: [UInt8], _ range: Range<Int>, width: Int) -> [String] {
        stride(from: range.lowerBound, to: range.upperBound, by: 4 * width).map { start in
            var text = String.UnicodeScalarView()
            for i in 0..<width {
                let v = StoredZip.u32(bytes, start + 4 * i)
                if v == 0 { break }
                text.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            }
            return String(text)
        }
    }

    static func u64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(StoredZip.u32(b, i)) | UInt64(StoredZip.u32(b, i + 4)) << 32 }
}

extension Network {
    /// Replaces every layer's weights and biases by `saved`'s (whose shapes must match), keeping
    /// this network's connectivity: weights outside a sparse layer's mask become 0.
    public func load(_ saved: SavedNetwork) {
        for (l, p) in saved.parameters.enumerated() {
            var parameters = p
            connectivity[l].apply(to: &parameters.weights)
            self.parameters[l] = parameters
        }
    }
}

extension NetworkSpec {
    /// Layer sizes including the input.
    var layerSizes: [Int] { [inputSize] + layers.map(\.population.size) }

    /// The network in ``initialWeights``, checked against this architecture; nil without one.
    func loadInitialWeights() throws -> SavedNetwork? {
        try initialWeights.map { try SavedNetwork.load(path: $0, sizes: layerSizes, activations: layers.map(\.population.activation)) }
    }
}
