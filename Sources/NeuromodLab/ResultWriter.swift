import Foundation

/// What every results folder's writer shares: CSV fields, the JSON encoder of `summary.json`, and
/// atomic single-file writes. Each study kind's files are listed where its outcome is encoded
/// (``StudyOutcome``); ``files(of:specText:)`` assembles a folder.
public enum ResultWriter {
    /// A CSV file `name`: the `header` line, then one line per item.
    static func csv<T>(_ name: String, header: String, _ items: [T], row: (T) -> String) -> (name: String, data: Data) {
        var text = header + "\n"
        text.reserveCapacity(items.count * (header.count + 8))
        for item in items { text += row(item) + "\n" }
        return (name, Data(text.utf8))
    }

    /// A CSV field as written: quoted (RFC 4180) when it holds a comma, quote or line end, so that
    /// method names such as "batch 50, 1e-2" stay one field.
    static func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The encoder of every `summary.json`: sorted keys, and non-finite values as the strings "inf",
    /// "-inf" and "nan" (finite losses can still overflow a variance, and JSON has no infinity).
    static var jsonEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// Writes `data` to `folder/name` through a temporary file and an atomic rename (for single
    /// files beside other content, such as an exported notebook; results go through ``ResultFolder``).
    /// A failure is a ``ResultFolderError`` naming the file and the cause.
    public static func atomicWrite(_ data: Data, to folder: String, name: String) throws {
        let final = URL(fileURLWithPath: folder).appendingPathComponent(name)
        let temporary = URL(fileURLWithPath: folder).appendingPathComponent(".\(name).partial-\(getpid())")
        do {
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ResultFolderError(path: final.path, cause: "cannot write (\(ResultFolder.reason(error)))")
        }
        // rename(2) replaces the destination atomically.
        guard rename(temporary.path, final.path) == 0 else {
            let cause = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ResultFolderError(path: final.path, cause: "cannot rename into place (\(cause))")
        }
    }

    /// A task study's `summary.json`.
    public struct SummaryFile: Codable, Sendable {
        public var kind: String
        public var name: String
        public var seed: UInt64
        public var runs: Int
        /// The minibatch step's precision when it is not the default float64 (`float32`); nil (the
        /// key absent) for float64, so float64 summaries are as before.
        public var precision: String? = nil
        public var methods: [MethodSummary]
    }
}
