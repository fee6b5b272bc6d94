import Neuromod

/// MNIST-format image classification sets (MNIST, Fashion-MNIST) read from their four IDX files.
///
/// A folder holds `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`,
/// `t10k-images-idx3-ubyte.gz` and `t10k-labels-idx1-ubyte.gz` (gzip or plain). Inputs are the
/// pixels, one row of rows×cols values per image, scaled by ``PixelScaling``; targets are one-hot
/// over the classes kept (in ascending order), so digits 0–4 give 5 outputs.
public enum ImageClassification {
    public enum Split: String, Sendable, CaseIterable {
        case train
        case test
        var prefix: String { self == .train ? "train" : "t10k" }
    }

    /// How pixel values 0…maxPixel become inputs (maxPixel is 255 for IDX files; CSV files give it,
    /// see ``loadCSV(path:maxPixel:classes:limit:scaling:)``).
    public enum PixelScaling: Sendable, Equatable {
        /// x / maxPixel, in [0, 1].
        case unit
        /// (x/maxPixel − mean) / sd, e.g. MNIST's training statistics 0.1307 and 0.3081.
        case standardized(mean: Double, sd: Double)
    }

    /// Loads `split` from `folder`, keeping only `classes` (nil: 0…9) and the first `limit` images
    /// of those (nil: all; 0: none), in file order.
    /// - Throws: ``DataError`` for missing or damaged files (naming the file and byte offset), images
    ///   and labels that disagree in number, or `classes` that are empty, repeated or outside 0…255
    ///   (``DataError/invalidClasses(path:classes:allowed:)``, naming the label file).
    public static func load(folder: String, split: Split, classes: [Int]? = nil, limit: Int? = nil,
                            scaling: PixelScaling = .unit) throws -> Dataset {
        let imagePath = folder + "/\(split.prefix)-images-idx3-ubyte.gz"
        let labelPath = folder + "/\(split.prefix)-labels-idx1-ubyte.gz"
        let images = try IDXFile.read(path: imagePath), labels = try IDXFile.read(path: labelPath)
        guard images.dimensions.count == 3 else {
            throw DataError.invalidIDX(path: imagePath, offset: 3, problem: "images need 3 dimensions, found \(images.dimensions.count)")
        }
        guard labels.dimensions.count == 1 else {
            throw DataError.invalidIDX(path: labelPath, offset: 3, problem: "labels need 1 dimension, found \(labels.dimensions.count)")
        }
        guard images.count == labels.count else {
            throw DataError.invalidIDX(path: labelPath, offset: 4,
                                       problem: "\(labels.count) labels for the \(images.count) images of \(imagePath)")
        }
        return try dataset(name: "\(folder.split(separator: "/").last.map(String.init) ?? folder) \(split.rawValue)",
                           source: labelPath, pixels: images.values, width: images.itemSize, labels: labels.values,
                           maxPixel: 255, allowedClasses: 0...255, classes: classes, limit: limit, scaling: scaling)
    }
}

extension ImageClassification {
    /// The one-hot classification set over `pixels` (one row of `width` values 0…`maxPixel` per image)
    /// and their `labels`, shared by the IDX and CSV loaders.
    ///
    /// Keeps the images whose label is among `classes` (nil: 0…9), then the first `limit` of those
    /// (nil: all), in the given order. Targets are one-hot over the kept classes sorted ascending;
    /// inputs are the pixels scaled by `scaling` relative to `maxPixel`.
    /// - Throws: ``DataError/invalidClasses(path:classes:allowed:)`` naming `source` if `classes` is
    ///   empty, has repeats or values outside `allowedClasses` (which must lie within 0…255), and
    ///   ``DataError/tooLarge(path:problem:)`` if the inputs (8 bytes a pixel) exceed `memoryLimit`.
    static func dataset(name: String, source: String, pixels: [UInt8], width: Int, labels: [UInt8], maxPixel: Int,
                        allowedClasses: ClosedRange<Int>, classes: [Int]?, limit: Int?,
                        scaling: PixelScaling, memoryLimit: Int = MemoryLimit.bytes) throws -> Dataset {
        precondition(pixels.count == width * labels.count, "\(pixels.count) pixels for \(labels.count) images of \(width)")
        precondition(limit.map { $0 >= 0 } ?? true, "limit must be non-negative, got \(limit ?? 0)")
        let kept = (classes ?? Array(0...9)).sorted()
        guard !kept.isEmpty, Set(kept).count == kept.count, kept.allSatisfy({ allowedClasses.contains($0) }) else {
            throw DataError.invalidClasses(path: source, classes: classes ?? [], allowed: allowedClasses)
        }
        var position = [Int](repeating: -1, count: 256)
        for (k, c) in kept.enumerated() { position[c] = k }
        var chosen: [Int] = []
        for (n, label) in labels.enumerated() where position[Int(label)] >= 0 {
            if let limit, chosen.count >= limit { break }
            chosen.append(n)
        }
        let inputBytes = MemoryLimit.product(chosen.count, width, MemoryLayout<Double>.size)
        guard inputBytes <= memoryLimit else {
            throw DataError.tooLarge(path: source, problem: "\(chosen.count) images of \(width) pixels need \(MemoryLimit.format(inputBytes)) as inputs")
        }
        var inputs = Matrix(rows: chosen.count, cols: width)
        var targets = Matrix(rows: chosen.count, cols: kept.count)
        let (offset, scale): (Double, Double)
        switch scaling {
        case .unit: (offset, scale) = (0, 1 / Double(maxPixel))
        case .standardized(let mean, let sd): (offset, scale) = (-mean / sd, 1 / (Double(maxPixel) * sd))
        }
        inputs.storage.withUnsafeMutableBufferPointer { x in
            pixels.withUnsafeBufferPointer { pixels in
                for (r, n) in chosen.enumerated() {
                    for i in 0..<width { x[r * width + i] = Double(pixels[n * width + i]) * scale + offset }
                }
            }
        }
        for (r, n) in chosen.enumerated() { targets[r, position[Int(labels[n])]] = 1 }
        return Dataset(name: name, inputs: inputs, targets: targets, inputNames: (0..<width).map { "pixel \($0)" },
                       targetNames: kept.map { "class \($0)" })
    }
}
