import Foundation

/// One run's final network, as a study keeps it for `--save-weights`.
public struct FinalNetwork: Sendable {
    /// The method's name as in the spec (any text: spaces, commas).
    public var method: String
    /// An episodic grid cell (`delay=… trace=…`); empty otherwise.
    public var cell: String
    /// The run, 0-based as in the CSV files.
    public var run: Int
    public var network: SavedNetwork

    public init(method: String, cell: String = "", run: Int, network: SavedNetwork) {
        self.method = method
        self.cell = cell
        self.run = run
        self.network = network
    }
}

/// The `weights/` subfolder of a results folder: `SLUG-run-R.npz` per method (and cell) and run,
/// and `index.csv` (`method,cell,run,file`) mapping the names as written in the spec to the files.
///
/// A slug keeps ASCII letters and digits (lower-cased) and turns every other run of characters
/// into one `-` ("3F-WP, batch 50" → `3f-wp-batch-50`); an empty slug is `method`, and a slug
/// already taken by another method or cell gets `-2`, `-3`, … so names never collide.
public enum WeightFiles {
    public static let folder = "weights"

    /// The files to add to a results folder (names under ``folder``); none for no networks.
    public static func resultFiles(_ networks: [FinalNetwork]) -> ResultFiles {
        guard !networks.isEmpty else { return [] }
        var slugs: [String: String] = [:], taken: Set<String> = []
        var index = "method,cell,run,file\n", files: ResultFiles = []
        for final in networks {
            let key = final.method + "\u{0}" + final.cell
            if slugs[key] == nil {
                let base = slug(final.cell.isEmpty ? final.method : final.method + " " + final.cell)
                var candidate = base, n = 2
                while taken.contains(candidate) { candidate = "\(base)-\(n)"; n += 1 }
                taken.insert(candidate)
                slugs[key] = candidate
            }
            let name = "\(slugs[key]!)-run-\(final.run).npz"
            index += "\(ResultWriter.csvField(final.method)),\(ResultWriter.csvField(final.cell)),\(final.run),\(name)\n"
            files.append(("\(folder)/\(name)", final.network.npz()))
        }
        return [("\(folder)/index.csv", Data(index.utf8))] + files
    }

    /// `text` as a file-name part: see ``WeightFiles``.
    static func slug(_ text: String) -> String {
        var out = "", dash = false
        for scalar in text.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                if dash, !out.isEmpty { out += "-" }
                out.unicodeScalars.append(Unicode.Scalar(UInt8(ascii: scalar).lowercasedASCII))
                dash = false
            } else {
                dash = true
            }
        }
        return out.isEmpty ? "method" : out
    }
}

private extension UInt8 {
    init(ascii scalar: Unicode.Scalar) { self = UInt8(scalar.value) }
    var lowercasedASCII: UInt8 { (65...90).contains(self) ? self + 32 : self }
}

extension StudyOutcome {
    /// A study kind that saves no networks (evolution studies).
    public var finalNetworks: [FinalNetwork] { [] }
}
