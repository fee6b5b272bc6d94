import Foundation

/// The folder a fuzzed spec's data paths resolve into, so that no input reads a path it names.
///
/// Every data path (`$DATA/mnist`, `../data/california_housing.csv.gz`, `/etc/passwd`) maps to its
/// last component inside one temporary folder, which holds tiny valid data made here: an IDX folder
/// `mnist` (4 images of 2×2), a labeled-pixel CSV `digits.csv.gz` and a table
/// `california_housing.csv.gz` (both plain text: readers detect gzip from the content, not the name).
/// Any other name is a file that does not exist, which the parsers report as an error.
enum FuzzSandbox {
    static let folder: String = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("neuromod-fuzz-sandbox").path
        try? FileManager.default.createDirectory(atPath: folder + "/mnist", withIntermediateDirectories: true)
        let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 2] + (0..<16).map { UInt8($0 * 16) }
        let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 4, 0, 1, 2, 3]
        let housing = "MedInc,HouseAge,AveRooms,AveBedrms,Population,AveOccup,Latitude,Longitude,MedHouseVal\n"
            + (1...4).map { i in (0..<9).map { String(Double(i + $0) / 4) }.joined(separator: ",") }.joined(separator: "\n")
        let files: [(String, [UInt8])] = [
            ("mnist/train-images-idx3-ubyte.gz", images), ("mnist/t10k-images-idx3-ubyte.gz", images),
            ("mnist/train-labels-idx1-ubyte.gz", labels), ("mnist/t10k-labels-idx1-ubyte.gz", labels),
            ("digits.csv.gz", Array("0,0,16,3\n1,4,5,6\n2,7,8,9\n3,1,1,1\n4,2,2,2\n".utf8)),
            ("california_housing.csv.gz", Array(housing.utf8)),
        ]
        for (name, bytes) in files {
            try? Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name), options: .atomic)
        }
        return folder
    }()

    /// The sandbox path for a data path as written in a spec.
    static func resolve(_ raw: String) -> String {
        let name = (raw as NSString).lastPathComponent
        return folder + "/" + (["", ".", "..", "/"].contains(name) || name.contains("\0") ? "missing" : name)
    }
}
