import Foundation

/// A CSV file written by Neuromod's result writers, read back by column name: a header line, then
/// rows of fields; a field may be double-quoted (it may then hold commas).
struct RunFolderCSV {
    let file: String
    let header: [String]
    let rows: [[String]]

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ExportError.missingFile(path)
        }
        file = path
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(Self.fields)
        guard !lines.isEmpty else { throw ExportError.badFile(path, "it is empty") }
        header = lines.removeFirst()
        for (i, row) in lines.enumerated() where row.count != header.count {
            throw ExportError.badFile(path, "line \(i + 2) has \(row.count) fields, the header \(header.count)")
        }
        rows = lines
    }

    /// The column `name` as text.
    func column(_ name: String) throws -> [String] {
        guard let index = header.firstIndex(of: name) else {
            throw ExportError.badFile(file, "no column '\(name)' (columns: \(header.joined(separator: ", ")))")
        }
        return rows.map { $0[index] }
    }

    /// The column `name` as numbers ("inf", "nan" accepted).
    func numbers(_ name: String) throws -> [Double] {
        try column(name).enumerated().map { i, text in
            guard let value = Double(text) else {
                throw ExportError.badFile(file, "line \(i + 2), column '\(name)': '\(text)' is not a number")
            }
            return value
        }
    }

    private static func fields(_ line: Substring) -> [String] {
        var fields: [String] = [], current = "", quoted = false
        for character in line {
            switch character {
            case "\"": quoted.toggle()
            case "," where !quoted: fields.append(current); current = ""
            default: current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}

/// Why a run folder could not be exported.
public enum ExportError: Error, Equatable, CustomStringConvertible {
    case missingFile(String)
    case badFile(String, String)
    case notARunFolder(String)
    /// `summary.json` (the path) names a kind of study (the text) the exporter does not know.
    case unknownKind(String, String)

    public var description: String {
        switch self {
        case .missingFile(let path): return "\(path): file not found (is this a folder written by `neuromod run`?)"
        case .badFile(let path, let why): return "\(path): \(why)"
        case .notARunFolder(let path):
            return "\(path): not a run folder: expected summary.json with curves.csv (a task or readout study), episodes.csv (an environment study), generations.csv (an evolution study) or accuracy.csv (a plasticity-rules study)"
        case .unknownKind(let path, let kind):
            return "\(path): unknown kind '\(kind)' (known: \(NotebookExporter.StudyKind.allCases.map(\.rawValue).joined(separator: ", ")))"
        }
    }
}
