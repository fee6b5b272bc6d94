import Foundation
import Neuromod
import NeuromodTasks

/// The image classification data of a readout or evolution study: MNIST-format IDX files, a class
/// subset, how many images to keep and how pixels are scaled.
///
/// ```yaml
/// data:
///   folder: $DATA/mnist        # the four IDX files (MNIST or Fashion-MNIST)
///   classes: [0, 1, 2, 3, 4]   # default: all ten
///   train_per_class: 200       # default: every training image
///   test_limit: 5000           # default: every test image
///   scaling: standardized      # (x/255 − 0.1307)/0.3081, MNIST's statistics; or unit (x/255)
/// ```
public struct ImageDataSpec: Sendable, Equatable {
    public var folder: String
    public var classes: [Int]
    /// Keep the first this-many training images of each class (nil: all).
    public var trainPerClass: Int?
    public var testLimit: Int?
    public var scaling: ImageClassification.PixelScaling

    static let fields = ["folder", "classes", "train_per_class", "test_limit", "scaling"]

    static func parse(_ node: SpecNode, resolveData: (String) -> String) throws -> ImageDataSpec {
        let f = try node.fields(allowed: fields)
        guard let folderNode = f["folder"] else { throw node.error("required field 'folder' is missing") }
        let folder = resolveData(try folderNode.string())
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw folderNode.error("data folder not found: \(folder)")
        }
        let classes = try f["classes"]?.elements().map { try $0.int() } ?? Array(0...9)
        guard !classes.isEmpty, Set(classes).count == classes.count, classes.allSatisfy({ (0...9).contains($0) }) else {
            throw f["classes"]!.error("expected distinct digits 0…9, got \(classes)")
        }
        let scaling: ImageClassification.PixelScaling =
            try f["scaling"]?.choice(["standardized", "unit"]) == "unit" ? .unit : .standardized(mean: 0.1307, sd: 0.3081)
        return ImageDataSpec(folder: folder, classes: classes.sorted(), trainPerClass: try f["train_per_class"]?.positiveInt(),
                             testLimit: try f["test_limit"]?.positiveInt(), scaling: scaling)
    }

    /// Loads the training and test images; labels are indices into `classes`.
    func load() throws -> (train: LabeledImages, test: LabeledImages) {
        var train = try ImageClassification.load(folder: folder, split: .train, classes: classes, scaling: scaling)
        if let perClass = trainPerClass {
            var kept: [Int] = [], seen = [Int](repeating: 0, count: classes.count)
            for (n, label) in LabeledImages.labels(of: train).enumerated() where seen[label] < perClass {
                seen[label] += 1
                kept.append(n)
            }
            train = train.subset(kept)
        }
        let test = try ImageClassification.load(folder: folder, split: .test, classes: classes, limit: testLimit, scaling: scaling)
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
