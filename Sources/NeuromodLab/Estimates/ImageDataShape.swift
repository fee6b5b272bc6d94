import Foundation
import NeuromodTasks

/// How many images a study's ``ImageDataSpec`` will load, and what loading them costs, found from
/// the files' headers, label files and sizes without reading the images.
struct ImageDataShape {
    /// Pixels per image.
    var width: Int
    /// Training images of the kept classes before `train_per_class` trims them, and after.
    var trainLoaded: Int
    var trainKept: Int
    var test: Int
    /// Peak bytes while loading: compressed file, inflation buffer, raw pixels and the Double inputs
    /// of the kept classes (train), then the same for the test split beside the training inputs.
    var loadingBytes: Int

    init(_ data: ImageDataSpec) {
        switch data.source {
        case .idx(let folder):
            let train = Self.split(folder: folder, prefix: "train", classes: data.classes)
            let test = Self.split(folder: folder, prefix: "t10k", classes: data.classes)
            width = train.width
            trainLoaded = train.kept
            self.test = min(test.kept, data.testLimit ?? Int.max)
            let trainInputs = MemoryLimit.product(trainLoaded, width, Bytes.double)
            let testInputs = MemoryLimit.product(self.test, width, Bytes.double)
            loadingBytes = max(MemoryLimit.sum([train.inflating, train.raw]), MemoryLimit.sum([train.raw, trainInputs]),
                               MemoryLimit.sum([trainInputs, test.inflating, test.raw, testInputs]))
        case .csv(let path, _, let testFraction):
            let head = DataFile.prefix(path: path, count: 1 << 16)
            let line = head.split(separator: UInt8(ascii: "\n"), maxSplits: 1).first ?? []
            let text = DataFile.contentSize(path: path)
            width = max(1, line.filter { $0 == UInt8(ascii: ",") }.count)
            let rows = MemoryLimit.product(text / max(1, line.count + 1), data.classes.count) / 10
            trainLoaded = rows - Int(Double(rows) * testFraction)
            test = min(rows - trainLoaded, data.testLimit ?? Int.max)
            // Text, pixels and labels, then the inputs of every row and the split's copy.
            loadingBytes = MemoryLimit.sum([text, MemoryLimit.product(rows, width + 1),
                                            MemoryLimit.product(rows, width, Bytes.double, 2)])
        }
        let loaded = trainLoaded
        trainKept = data.trainPerClass.map { min(loaded, $0 * data.classes.count) } ?? loaded
    }

    /// One IDX split: images per kept class from the label file (small), pixels per image from the
    /// image header, and the bytes of inflating the image file (``Gzip`` starts at 4× the compressed
    /// size and doubles).
    private static func split(folder: String, prefix: String, classes: [Int]) -> (width: Int, kept: Int, raw: Int, inflating: Int) {
        let images = folder + "/\(prefix)-images-idx3-ubyte.gz"
        let dimensions = (try? IDXFile.dimensions(path: images)) ?? [0, 0]
        let count = dimensions.first ?? 0
        let width = MemoryLimit.product(Array(dimensions.dropFirst()))
        var kept = count
        let labels = folder + "/\(prefix)-labels-idx1-ubyte.gz"
        if classes.count < 10, MemoryLimit.allows(MemoryLimit.product(count, 64)), let file = try? IDXFile.read(path: labels) {
            kept = file.values.filter { classes.contains(Int($0)) }.count
        }
        let raw = MemoryLimit.product(count, width)
        let stored = DataFile.storedSize(path: images)
        var buffer = max(1 << 16, 4 * stored)
        while buffer < raw && buffer < Int.max / 2 { buffer *= 2 }
        return (width, kept, raw, MemoryLimit.sum([2 * stored, buffer]))
    }
}
