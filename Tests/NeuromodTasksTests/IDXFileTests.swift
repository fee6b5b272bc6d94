import Foundation
import NeuromodTestSupport
import Testing
@testable import NeuromodTasks

/// The IDX reader on the fixtures cut from MNIST and Fashion-MNIST (facts in
/// Tests/Fixtures/data/README.md), on the full files when present (facts from
/// ../shared/data/README.md) and on damaged files, whose errors name the file and the byte offset.
@Suite struct IDXFileTests {
    let mnist = TestData.full("mnist")

    /// The sum of a dataset's pixels in 0…255 (inputs are pixel/255), exact for these sizes.
    func pixelSum(_ set: Dataset) -> Int { Int((set.inputs.storage.reduce(0, +) * 255).rounded()) }

    /// The MNIST fixture: the first 200 training and test images with their labels, cut unchanged.
    @Test func mnistFixtureReadsAsTheFirstImagesOfTheFiles() throws {
        let folder = TestData.fixture("mnist")
        let train = try IDXFile.read(path: folder + "/train-labels-idx1-ubyte.gz")
        #expect(train.dimensions == [200] && Array(train.values.prefix(10)) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
        let all = try ImageClassification.load(folder: folder, split: .test)
        #expect(all.count == 200 && all.inputs.cols == 784 && all.targets.cols == 10)
        #expect(pixelSum(all) == 4_757_429)
        #expect(all.targets.row(0) == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0])
        let low = try ImageClassification.load(folder: folder, split: .test, classes: [4, 0, 1, 2, 3], limit: nil,
                                               scaling: .standardized(mean: 0.1307, sd: 0.3081))
        #expect(low.count == 17 + 28 + 16 + 16 + 28 && low.targets.cols == 5)
        #expect(abs(low.inputs[0, 0] - (0 - 0.1307) / 0.3081) < 1e-12)
        let few = try ImageClassification.load(folder: folder, split: .test, classes: [9], limit: 3)
        #expect(few.count == 3 && few.targets.storage == [1, 1, 1])
    }

    /// The Fashion-MNIST fixture: first labels as in the full files, test images per class.
    @Test func fashionMNISTFixtureReadsAsTheFirstImagesOfTheFiles() throws {
        let folder = TestData.fixture("fashion-mnist")
        let train = try IDXFile.read(path: folder + "/train-labels-idx1-ubyte.gz")
        #expect(train.dimensions == [200] && Array(train.values.prefix(10)) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
        let test = try ImageClassification.load(folder: folder, split: .test)
        var perClass = [Double](repeating: 0, count: 10)
        test.targets.addColumnSums(scaledBy: 1, into: &perClass)
        #expect(perClass == [20, 27, 27, 17, 21, 16, 16, 20, 18, 18])
        #expect(pixelSum(test) == 11_795_585)
    }

    /// A valid IDX header for unsigned bytes with the given dimensions.
    func header(_ dimensions: [Int]) -> [UInt8] {
        [0, 0, 0x08, UInt8(dimensions.count)] + dimensions.flatMap { d in
            [UInt8(d >> 24 & 255), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)]
        }
    }

    func message(_ bytes: [UInt8], in scratch: TemporaryDirectory, name: String = "x-idx") -> String {
        do {
            _ = try IDXFile.read(path: try scratch.write(name, bytes))
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test(.enabled(if: TestData.has("mnist"), Comment(rawValue: TestData.skipReason("mnist/"))))
    func mnistLabelsMatchThePublishedFacts() throws {
        let test = try IDXFile.read(path: mnist + "/t10k-labels-idx1-ubyte.gz")
        #expect(test.dimensions == [10_000])
        #expect(Array(test.values.prefix(10)) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])
        let train = try IDXFile.read(path: mnist + "/train-labels-idx1-ubyte.gz")
        var counts = [Int](repeating: 0, count: 10)
        for v in train.values { counts[Int(v)] += 1 }
        #expect(counts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    }

    /// The test images: 10 000 × 28 × 28, mean pixel / 255 = 0.132515 (README), one-hot targets, and
    /// the digits 0–4 subset has 980 + 1135 + 1032 + 1010 + 982 images with 5 outputs.
    @Test(.enabled(if: TestData.has("mnist"), Comment(rawValue: TestData.skipReason("mnist/"))))
    func mnistTestImagesLoadAsADataset() throws {
        let all = try ImageClassification.load(folder: mnist, split: .test)
        #expect(all.count == 10_000 && all.inputs.cols == 784 && all.targets.cols == 10)
        let mean = all.inputs.storage.reduce(0, +) / Double(all.inputs.storage.count)
        #expect(abs(mean - 0.132515) < 5e-7)
        #expect(all.targets.row(0) == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0])
        let low = try ImageClassification.load(folder: mnist, split: .test, classes: [4, 0, 1, 2, 3], limit: nil,
                                               scaling: .standardized(mean: 0.1307, sd: 0.3081))
        #expect(low.count == 5139 && low.targets.cols == 5 && low.targetNames == ["class 0", "class 1", "class 2", "class 3", "class 4"])
        #expect(abs(low.inputs[0, 0] - (0 - 0.1307) / 0.3081) < 1e-12)
        let few = try ImageClassification.load(folder: mnist, split: .test, classes: [9], limit: 3)
        #expect(few.count == 3 && few.targets.storage == [1, 1, 1])
    }

    /// Fashion-MNIST has the same layout: first labels, 1 000 test images per class, test mean/255
    /// 0.286849 and sd/255 0.352444 (README).
    @Test(.enabled(if: TestData.has("fashion-mnist"), Comment(rawValue: TestData.skipReason("fashion-mnist/"))))
    func fashionMNISTMatchesThePublishedFacts() throws {
        let folder = TestData.full("fashion-mnist")
        let train = try IDXFile.read(path: folder + "/train-labels-idx1-ubyte.gz")
        #expect(train.dimensions == [60_000] && Array(train.values.prefix(10)) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
        let test = try ImageClassification.load(folder: folder, split: .test)
        #expect(test.count == 10_000 && test.inputs.cols == 784)
        var perClass = [Double](repeating: 0, count: 10)
        test.targets.addColumnSums(scaledBy: 1, into: &perClass)
        #expect(perClass == [Double](repeating: 1000, count: 10))
        let n = Double(test.inputs.storage.count)
        let mean = test.inputs.storage.reduce(0, +) / n
        let sd = (test.inputs.storage.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
        #expect(abs(mean - 0.286849) < 5e-7 && abs(sd - 0.352444) < 5e-7)
    }

    @Test func damagedFilesNameTheByteOffset() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let good = header([2, 3]) + [1, 2, 3, 4, 5, 6]
        #expect(try IDXFile.read(path: try scratch.write("good", gzip(good))) == IDXArray(dimensions: [2, 3], values: [1, 2, 3, 4, 5, 6]))
        #expect(message([0, 0, 8], in: scratch).hasSuffix("x-idx: invalid IDX file at byte 3 (decompressed): file ends inside the 4-byte magic number"))
        #expect(message([1, 0, 8, 1, 0, 0, 0, 0], in: scratch).contains("byte 0 (decompressed): magic number must start with two zero bytes, found 0x01 0x00"))
        #expect(message([0, 0, 0x0d, 1, 0, 0, 0, 0], in: scratch).contains("byte 2 (decompressed): element type 0x0d is not 0x08"))
        #expect(message(Array(header([2, 3]).prefix(9)), in: scratch).contains("byte 9 (decompressed): file ends inside the header"))
        #expect(message(Array(good.dropLast(2)), in: scratch).contains("byte 16 (decompressed): data end after 4 of 6 bytes"))
        #expect(message(good + [9], in: scratch).contains("byte 18 (decompressed): 1 bytes after the 6"))
        #expect(message(Array(gzip(good).dropLast(5)), in: scratch).contains("truncated gzip stream"))
    }

    /// Images and labels that disagree in number are one error naming the label file.
    @Test func imagesAndLabelsMustAgree() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        _ = try scratch.write("t10k-images-idx3-ubyte.gz", gzip(header([2, 2, 2]) + [UInt8](repeating: 0, count: 8)))
        _ = try scratch.write("t10k-labels-idx1-ubyte.gz", gzip(header([3]) + [0, 1, 2]))
        #expect(throws: DataError.self) { try ImageClassification.load(folder: scratch.url.path, split: .test) }
        do { _ = try ImageClassification.load(folder: scratch.url.path, split: .test) } catch {
            #expect("\(error)".contains("t10k-labels-idx1-ubyte.gz: invalid IDX file at byte 4 (decompressed): 3 labels for the 2 images"))
        }
    }

    /// Class selection (shared with the CSV loader): bad classes name the label file; limit 0 keeps none.
    @Test func classesAndLimitAreChecked() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        _ = try scratch.write("t10k-images-idx3-ubyte.gz", gzip(header([3, 1, 2]) + [0, 255, 51, 102, 10, 20]))
        let labels = try scratch.write("t10k-labels-idx1-ubyte.gz", gzip(header([3]) + [7, 200, 7]))
        let all = try ImageClassification.load(folder: scratch.url.path, split: .test, classes: [200, 7])
        #expect(all.targetNames == ["class 7", "class 200"] && all.targets.storage == [1, 0, 0, 1, 1, 0])
        #expect(all.inputs.storage == [0, 1, 0.2, 0.4, 10.0 / 255, 20.0 / 255])
        #expect(try ImageClassification.load(folder: scratch.url.path, split: .test, classes: [7], limit: 0).count == 0)
        #expect(try ImageClassification.load(folder: scratch.url.path, split: .test, classes: [7], limit: 1).inputs.storage == [0, 1])
        #expect(throws: DataError.invalidClasses(path: labels, classes: [7, 7], allowed: 0...255)) {
            try ImageClassification.load(folder: scratch.url.path, split: .test, classes: [7, 7])
        }
    }
}
