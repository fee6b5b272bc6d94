import Foundation
import Neuromod
import NeuromodTasks

/// The image classification data of a readout or evolution study: MNIST-format IDX files or a
/// labeled-pixel CSV file, a class subset, how many images to keep and how pixels are scaled.
///
/// ```yaml
/// data:
///   folder: $DATA/mnist        # the four IDX files (MNIST or Fashion-MNIST), or instead:
///   # file: $DATA/digits.csv.gz, max_pixel: 16, test_fraction: 0.2   (a seeded split)
///   classes: [0, 1, 2, 3, 4]   # default: all ten
///   train_per_class: 200       # default: every training image
///   test_limit: 5000           # default: every test image
///   scaling: standardized      # (x/255 − 0.1307)/0.3081, MNIST's statistics; or unit (x/255)
/// ```
public struct ImageDataSpec: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// A folder with the four IDX files of a training and a test split.
        case idx(folder: String)
        /// One CSV file (pixels 0…maxPixel, then the label), split by a seeded shuffle.
        case csv(path: String, maxPixel: Int, testFraction: Double)
    }

    public var source: Source
    public var classes: [Int]
    /// Keep the first this-many training images of each class (nil: all).
    public var trainPerClass: Int?
    public var testLimit: Int?
    public var scaling: ImageClassification.PixelScaling

    /// The `data:` fields of readout and evolution studies, as the field reference lists them.
    static let fields = SpecField("data", "required: the images", [
        SpecField("folder", "MNIST-format IDX files (train and t10k images and labels, plain or gzip)"),
        SpecField("file", "or a labeled-pixel CSV (label first, then pixels; plain or gzip) split by the seed"),
        SpecField("max_pixel", "with file: the largest pixel value (255 for mnist_5k, 16 for digits)"),
        SpecField("test_fraction", "with file, optional: in (0, 1), default 0.2"),
        SpecField("classes", "optional: the labels to keep, default all ten"),
        SpecField("train_per_class", "optional: the first this-many training images of each class"),
        SpecField("test_limit", "optional: the first this-many test images"),
        SpecField("scaling", "optional: `standardized` (MNIST's mean and SD, the default) or `unit` (x / max_pixel)"),
    ])

    static func parse(_ node: SpecNode, resolveData: (String) -> String) throws -> ImageDataSpec {
        let common = ["classes", "train_per_class", "test_limit", "scaling"]
        let all = try node.fields(allowed: fields.children.map(\.name))
        let source: Source
        if let folderNode = all["folder"] {
            _ = try node.fields(allowed: common + ["folder"])
            let folder = resolveData(try folderNode.string())
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                let name = (folder as NSString).lastPathComponent
                let hint = RemoteDataset.catalog.contains { $0.folder == name } ? "; `neuromod data fetch \(name)` downloads it" : ""
                throw folderNode.error("data folder not found: \(folder)\(hint)")
            }
            source = .idx(folder: folder)
        } else if let fileNode = all["file"] {
            let path = resolveData(try fileNode.string())
            guard FileManager.default.fileExists(atPath: path) else { throw fileNode.error("data file not found: \(path)") }
            let maxPixelNode = try all.required("max_pixel", in: node, "(255 for mnist_5k, 16 for digits)")
            let maxPixel = try maxPixelNode.positiveInt()
            guard maxPixel <= 255 else { throw maxPixelNode.error("expected 1…255, got \(maxPixel)") }
            let fraction = try all["test_fraction"]?.double() ?? 0.2
            guard fraction > 0 && fraction < 1 else { throw all["test_fraction"]!.error("expected a fraction in (0, 1), got \(fraction)") }
            source = .csv(path: path, maxPixel: maxPixel, testFraction: fraction)
        } else {
            throw node.error("required field 'folder' (IDX files) or 'file' (a labeled-pixel CSV) is missing")
        }
        let classes = try all["classes"]?.elements().map { try $0.int() } ?? Array(0...9)
        guard !classes.isEmpty, Set(classes).count == classes.count, classes.allSatisfy({ (0...9).contains($0) }) else {
            throw all["classes"]!.error("expected distinct digits 0…9, got \(classes)")
        }
        let scaling: ImageClassification.PixelScaling =
            try all["scaling"]?.choice(["standardized", "unit"]) == "unit" ? .unit : .standardized(mean: 0.1307, sd: 0.3081)
        return ImageDataSpec(source: source, classes: classes.sorted(), trainPerClass: try all["train_per_class"]?.positiveInt(),
                             testLimit: try all["test_limit"]?.positiveInt(), scaling: scaling)
    }

    /// Loads the training and test images; labels are indices into `classes`. A CSV file is split
    /// with a shuffle seeded by `seed`.
    func load(seed: UInt64) throws -> (train: LabeledImages, test: LabeledImages) {
        var train: Dataset, test: Dataset
        switch source {
        case .idx(let folder):
            train = try ImageClassification.load(folder: folder, split: .train, classes: classes, scaling: scaling)
            test = try ImageClassification.load(folder: folder, split: .test, classes: classes, limit: testLimit, scaling: scaling)
        case .csv(let path, let maxPixel, let testFraction):
            let all = try ImageClassification.loadCSV(path: path, maxPixel: maxPixel, classes: classes, scaling: scaling)
            let split = try splitTrainTest(all, testFraction: testFraction, seed: seed)
            train = split.train
            test = split.test!
            if let testLimit, testLimit < test.count { test = test.subset(Array(0..<testLimit)) }
        }
        if let perClass = trainPerClass {
            var kept: [Int] = [], seen = [Int](repeating: 0, count: classes.count)
            for (n, label) in LabeledImages.labels(of: train).enumerated() where seen[label] < perClass {
                seen[label] += 1
                kept.append(n)
            }
            train = train.subset(kept)
        }
        return (LabeledImages(train), LabeledImages(test))
    }
}

/// Images as rows of `inputs` with class indices.
struct LabeledImages: Sendable {
    var inputs: Matrix
    var labels: [Int]

    init(_ dataset: Dataset) {
        inputs = dataset.inputs
        labels = Self.labels(of: dataset)
    }

    /// The class index of each one-hot target row.
    static func labels(of dataset: Dataset) -> [Int] {
        (0..<dataset.count).map { n in (0..<dataset.targets.cols).first { dataset.targets[n, $0] == 1 } ?? 0 }
    }

    var count: Int { labels.count }
}
