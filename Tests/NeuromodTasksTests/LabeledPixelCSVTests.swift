import Foundation
import NeuromodTestSupport
import Testing
@testable import NeuromodTasks

/// Headerless labeled-pixel CSV files: the digits fixture (its first 300 rows, facts in
/// Tests/Fixtures/data/README.md), the full digits.csv.gz and mnist_5k.csv.gz when present (facts
/// from ../shared/data/README.md) and damaged files, whose errors name the file, line and column.
@Suite struct LabeledPixelCSVTests {
    static let digits = TestData.full("digits.csv.gz")
    static let mnist5k = TestData.full("mnist_5k.csv.gz")
    static let mnist = TestData.full("mnist")

    /// The error message of loading `text` written to a scratch file `name`.
    func message(_ text: String, maxPixel: Int = 16, name: String = "x.csv") throws -> String {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        do {
            _ = try LabeledPixelCSV.load(path: try scratch.write(name, text: text), maxPixel: maxPixel)
            return "no error"
        } catch {
            return "\(error)".replacingOccurrences(of: scratch.url.path + "/", with: "")
        }
    }

    /// The fixture: 300 rows of 64 pixels 0…16 and a label; label counts, first and last labels, pixel sum.
    @Test func digitsFixtureMatchesItsFacts() throws {
        let file = try LabeledPixelCSV.load(path: TestData.fixture("digits.csv.gz"), maxPixel: 16)
        #expect(file.count == 300 && file.width == 64)
        var counts = [Int](repeating: 0, count: 10)
        for label in file.labels { counts[Int(label)] += 1 }
        #expect(counts == [31, 30, 29, 29, 29, 32, 29, 29, 31, 31])
        #expect(file.labels.first == 0 && file.labels.last == 7)
        #expect(file.pixels.reduce(0) { $0 + Int($1) } == 93_791)
    }

    /// README: 1,797 rows of 64 pixels 0…16 and a label; label counts, first and last labels, pixel sum.
    @Test(.enabled(if: TestData.has("digits.csv.gz"), Comment(rawValue: TestData.skipReason("digits.csv.gz"))))
    func digitsMatchThePublishedFacts() throws {
        let file = try LabeledPixelCSV.load(path: Self.digits, maxPixel: 16)
        #expect(file.count == 1797 && file.width == 64 && file.pixels.count == 1797 * 64)
        var counts = [Int](repeating: 0, count: 10)
        for label in file.labels { counts[Int(label)] += 1 }
        #expect(counts == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
        #expect(file.labels.first == 0 && file.labels.last == 8)
        #expect(file.pixels.reduce(0) { $0 + Int($1) } == 561_718)
        #expect(file.pixels.max() == 16)

        let set = try ImageClassification.loadCSV(path: Self.digits, maxPixel: 16)
        #expect(set.name == "digits" && set.count == 1797 && set.inputs.cols == 64 && set.targets.cols == 10)
        #expect(set.inputs.storage.max() == 1)
        let mean = set.inputs.storage.reduce(0, +) / Double(set.inputs.storage.count)
        #expect(abs(mean * 16 - 4.884165) < 5e-7)  // README: mean pixel 4.884165
        #expect(set.targets.row(0) == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(set.targets.row(1796) == [0, 0, 0, 0, 0, 0, 0, 0, 1, 0])
    }

    /// Digits 0–4: 178 + 182 + 177 + 183 + 181 images with 5 outputs; pixels standardized after /16.
    @Test(.enabled(if: TestData.has("digits.csv.gz"), Comment(rawValue: TestData.skipReason("digits.csv.gz"))))
    func digitsClassSubsetAndScaling() throws {
        let low = try ImageClassification.loadCSV(path: Self.digits, maxPixel: 16, classes: [4, 0, 1, 2, 3],
                                                  scaling: .standardized(mean: 0.3, sd: 0.4))
        #expect(low.count == 901 && low.targets.cols == 5)
        #expect(low.targetNames == ["class 0", "class 1", "class 2", "class 3", "class 4"])
        let file = try LabeledPixelCSV.load(path: Self.digits, maxPixel: 16)
        let first = try #require(file.labels.firstIndex { $0 < 5 })
        for i in 0..<64 {
            #expect(abs(low.inputs[0, i] - (Double(file.pixels[first * 64 + i]) / 16 - 0.3) / 0.4) < 1e-12)
        }
        let nines = try ImageClassification.loadCSV(path: Self.digits, maxPixel: 16, classes: [9], limit: 3)
        #expect(nines.count == 3 && nines.targets.storage == [1, 1, 1])
        #expect(try ImageClassification.loadCSV(path: Self.digits, maxPixel: 16, limit: 0).count == 0)
    }

    /// README: 5,000 rows of 784 pixels and a label, 500 per class in blocks, and block k is exactly
    /// the first 500 training images of digit k in training-set order (indices 0…5847).
    @Test(.enabled(if: TestData.has("mnist_5k.csv.gz", "mnist/train-images-idx3-ubyte.gz"),
                   Comment(rawValue: TestData.skipReason("mnist_5k.csv.gz", "mnist/"))))
    func mnist5kIsTheFirst500TrainingImagesOfEachDigit() throws {
        let file = try LabeledPixelCSV.load(path: Self.mnist5k, maxPixel: 255)
        #expect(file.count == 5000 && file.width == 784)
        #expect(file.labels == (0..<10).flatMap { [UInt8](repeating: UInt8($0), count: 500) })

        let images = try IDXFile.read(path: Self.mnist + "/train-images-idx3-ubyte.gz")
        let labels = try IDXFile.read(path: Self.mnist + "/train-labels-idx1-ubyte.gz")
        var firsts = [[Int]](repeating: [], count: 10)
        for (n, label) in labels.values.enumerated() where firsts[Int(label)].count < 500 { firsts[Int(label)].append(n) }
        #expect(firsts.joined().max() == 5847)
        #expect(file.pixels[0..<784] == images.values[firsts[0][0] * 784..<(firsts[0][0] + 1) * 784])
        var mismatches = 0
        for (row, n) in firsts.joined().enumerated()
        where file.pixels[row * 784..<(row + 1) * 784] != images.values[n * 784..<(n + 1) * 784] {
            mismatches += 1
        }
        #expect(mismatches == 0)

        // The CSV and IDX loaders scale the same images identically.
        let scaling = ImageClassification.PixelScaling.standardized(mean: 0.1307, sd: 0.3081)
        let csv = try ImageClassification.loadCSV(path: Self.mnist5k, maxPixel: 255, classes: [7, 3], limit: 600,
                                                  scaling: scaling)
        #expect(csv.count == 600 && csv.targets.cols == 2 && csv.name == "mnist_5k")
        #expect(csv.targets.storage == Array([[Double]](repeating: [1, 0], count: 500).joined())
                    + Array([[Double]](repeating: [0, 1], count: 100).joined()))
        let threes = try ImageClassification.load(folder: Self.mnist, split: .train, classes: [3], limit: 500, scaling: scaling)
        let sevens = try ImageClassification.load(folder: Self.mnist, split: .train, classes: [7], limit: 100, scaling: scaling)
        #expect(csv.inputs.gatherRows(Array(0..<500)) == threes.inputs)
        #expect(csv.inputs.gatherRows(Array(500..<600)) == sevens.inputs)
    }

    @Test func parsesPlainGzipCRLFAndBlankLines() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let text = "\u{FEFF}0,1,16,3\r\n\r\n 2 ,\t0,5,9\r\n"
        for path in [try scratch.write("a.csv", text: text), try scratch.write("a.csv.gz", gzip(Array(text.utf8)))] {
            let file = try LabeledPixelCSV.load(path: path, maxPixel: 16)
            #expect(file == LabeledPixelCSV(source: path, maxPixel: 16, width: 3, pixels: [0, 1, 16, 2, 0, 5], labels: [3, 9]))
            let set = try ImageClassification.loadCSV(path: path, maxPixel: 16, classes: [9, 3])
            #expect(set.name == "a" && set.inputs.storage == [0, 1.0 / 16, 1, 2.0 / 16, 0, 5.0 / 16])
            #expect(set.targets.storage == [1, 0, 0, 1] && set.inputNames == ["pixel 0", "pixel 1", "pixel 2"])
        }
    }

    /// Every error names the file and the 1-based line (blank lines counted) and, for a cell, its column.
    @Test func damagedFilesNameTheLineAndColumn() throws {
        #expect(try message("1,2,3\n\n4,5\n") == "x.csv: line 3: row has 2 cells, the first row has 3")
        #expect(try message("1,2,3\n4,5,6,7\n") == "x.csv: line 2: row has 4 cells, the first row has 3")
        #expect(try message("1,2,3\n4,5,10\n") == "x.csv: line 2, column 3: label 10 outside 0…9")
        #expect(try message("1,2,-1\n") == "x.csv: line 1, column 3: label -1 outside 0…9")
        #expect(try message("1,17,3\n") == "x.csv: line 1, column 2: pixel 17 outside 0…16")
        #expect(try message("1,256,3\n", maxPixel: 255) == "x.csv: line 1, column 2: pixel 256 outside 0…255")
        #expect(try message("0,0,1\n-3,0,1\n", maxPixel: 255) == "x.csv: line 2, column 1: pixel -3 outside 0…255")
        #expect(try message("1,2,3\n1,x,3\n") == "x.csv: line 2, column 2: non-integer cell \"x\"")
        #expect(try message("1,2.5,3\n") == "x.csv: line 1, column 2: non-integer cell \"2.5\"")
        #expect(try message("1,,3\n") == "x.csv: line 1, column 2: non-integer cell \"\"")
        #expect(try message("1,2,99999999999999999999\n") == "x.csv: line 1, column 3: label 99999999999999999999 outside 0…9")
        #expect(try message("") == "x.csv: no data rows")
        #expect(try message("\n  \n") == "x.csv: no data rows")
        #expect(try message("7\n") == "x.csv: line 1: row has 1 cell, need pixels then a label")
    }

    @Test func classesMustBeDistinctDigits() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let path = try scratch.write("d.csv", text: "1,2,3\n")
        for classes in [[], [1, 1], [10], [-1]] {
            #expect(throws: DataError.invalidClasses(path: path, classes: classes, allowed: 0...9)) {
                try ImageClassification.loadCSV(path: path, maxPixel: 16, classes: classes)
            }
        }
        do { _ = try ImageClassification.loadCSV(path: path, maxPixel: 16, classes: [3, 10]) } catch {
            #expect("\(error)" == "\(path): classes must be distinct values 0…9, got [3, 10]")
        }
        #expect(throws: DataError.fileNotFound(path: scratch.url.path + "/none.csv")) {
            try ImageClassification.loadCSV(path: scratch.url.path + "/none.csv", maxPixel: 16)
        }
    }
}
