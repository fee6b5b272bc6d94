import Foundation
import Testing
@testable import NeuromodReport

/// Which exporter a run folder gets: summary.json's "kind", else (folders written before it) the
/// files the folder holds.
@Suite struct StudyKindTests {
    /// Every kind named in summary.json is taken as is; an unknown one is an error; without one, the
    /// files decide, and every committed notebook's data folder (written before "kind") gets its kind.
    @Test func kindComesFromTheSummaryElseFromTheFiles() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("neuromod-kind-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let summary = scratch.appendingPathComponent("summary.json")
        try Data("{}".utf8).write(to: summary)
        #expect(throws: ExportError.notARunFolder(scratch.path)) { try NotebookExporter.kind(of: scratch.path) }
        try Data("x".utf8).write(to: scratch.appendingPathComponent("episodes.csv"))
        #expect(try NotebookExporter.kind(of: scratch.path) == .episodic)
        for kind in NotebookExporter.StudyKind.allCases {
            try Data("{\"kind\": \"\(kind.rawValue)\"}".utf8).write(to: summary)
            #expect(try NotebookExporter.kind(of: scratch.path) == kind)
        }
        try Data("{\"kind\": \"dream\"}".utf8).write(to: summary)
        #expect(throws: ExportError.unknownKind(summary.path, "dream")) { try NotebookExporter.kind(of: scratch.path) }
        for name in CommittedNotebooks.names {
            #expect(try NotebookExporter.kind(of: "\(CommittedNotebooks.folder)/\(name)") == Self.kinds[name.split(separator: "-")[0]])
        }
    }

    /// A summary.json naming its kind (as `neuromod run` writes it from now on) exports exactly as
    /// the same folder without it: every kind reaches its exporter.
    @Test func aNamedKindExportsAsTheFilesTell() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("neuromod-named-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var seen: Set<String> = []
        for name in CommittedNotebooks.names {
            let copy = scratch.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(CommittedNotebooks.folder)/\(name)", toPath: copy.path)
            let summaryURL = copy.appendingPathComponent("summary.json")
            var summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: summaryURL)) as? [String: Any])
            let kind = try #require(Self.kinds[name.split(separator: "-")[0]])
            summary["kind"] = kind.rawValue
            try JSONSerialization.data(withJSONObject: summary).write(to: summaryURL)
            #expect(try NotebookExporter.export(runFolder: copy.path, name: name).notebook.cells
                    == CommittedNotebooks.reexport(name).notebook.cells, "\(name)")
            seen.insert(kind.rawValue)
        }
        #expect(seen == Set(NotebookExporter.StudyKind.allCases.map(\.rawValue)))
    }

    /// The committed studies' kinds, by the first word of their names.
    static let kinds: [Substring: NotebookExporter.StudyKind] = [
        "thesis": .task, "nrl": .episodic, "delay": .episodic, "dopamine": .readout, "signsgd": .readout, "nne": .evolution,
        "plasticity": .plasticityRules,
    ]
}
