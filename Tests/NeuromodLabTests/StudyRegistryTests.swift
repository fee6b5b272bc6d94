import Foundation
import Testing
@testable import NeuromodLab

/// The study registry: one header parser for every kind, the kind told from the spec's section,
/// the command line's overrides checked against the kind, `kind` in every summary.json, and the
/// field reference generated from the fields the parsers allow.
@Suite struct StudyRegistryTests {
    static let episodic = """
    name: e
    seed: 2
    runs: 2
    output: out
    environment: {name: reaching}
    network: {hidden: [4]}
    training: {episodes: 3, reward: step}
    methods:
      - {name: NRL, rule: nrl, learning_rate: 0.01, sigma: 0.1}
    """

    func error(_ body: () throws -> Any) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }

    @Test func theKindIsToldFromTheSection() throws {
        #expect(try StudyRegistry.parse(SpecValidationTests.valid, file: "t.yaml") is ExperimentSpec)
        #expect(try StudyRegistry.parse(Self.episodic, file: "e.yaml") is EpisodicSpec)
        #expect(error { try StudyRegistry.parse("name: x\nseed: 1\nruns: 1\noutput: o\n", file: "none.yaml") }
                == "none.yaml: the spec declares no kind of study: give one of the sections 'task:' (task study), 'environment:' (episodic study), 'readout:' (readout study), 'evolution:' (evolution study), 'kcap:' (plasticity-rules study)")
        #expect(error { try ExperimentSpec.parse(Self.episodic, file: "e.yaml") }
                == "e.yaml: an episodic study (it has a 'environment:' section); expected a task study")
    }

    /// The header is read once, the same way, for every kind: a missing field names itself.
    @Test func everyKindSharesTheHeader() {
        for (text, file) in [(SpecValidationTests.valid, "t.yaml"), (Self.episodic, "e.yaml")] {
            #expect(error { try StudyRegistry.parse(text.replacingOccurrences(of: "runs: 2\n", with: ""), file: file) }
                    == "\(file): runs: required field is missing")
            #expect(error { try StudyRegistry.parse(text.replacingOccurrences(of: "seed: ", with: "seed: -"), file: file) }
                    .hasSuffix("seed: expected a non-negative integer, got -\(file == "t.yaml" ? 3 : 2)"))
        }
    }

    @Test func overridesAreCheckedAgainstTheKind() throws {
        var task: any StudySpec = try StudyRegistry.parse(SpecValidationTests.valid, file: "t.yaml")
        #expect(error { try task.apply(StudyOverrides(episodes: 3)) }
                == "t.yaml: --episodes applies to episodic studies ('environment:'), not to this task study")
        #expect(error { try task.apply(StudyOverrides(methods: [])) } == "t.yaml: --methods: list at least one method (methods: BP)")
        try task.apply(StudyOverrides(seed: 9, runs: 5, output: "elsewhere", methods: ["BP"], dataOrder: .shared))
        let applied = try #require(task as? ExperimentSpec)
        #expect(applied.seed == 9 && applied.runs == 5 && applied.output == "elsewhere" && applied.training.dataOrder == .shared)
        var episodic = try EpisodicSpec.parse(Self.episodic, file: "e.yaml")
        try episodic.apply(StudyOverrides(episodes: 2))
        #expect(episodic.training.episodes == 2 && episodic.training.scoreEpisodes == 2)
    }

    /// summary.json names the kind, for exporters to read.
    @Test func summaryNamesTheKind() throws {
        for (text, kind) in [(SpecValidationTests.valid, "task"), (Self.episodic, "episodic")] {
            let spec = try StudyRegistry.parse(text, file: "s.yaml")
            let files = try runAndList(spec)
            let summary = try #require(files.first { $0.name == "summary.json" }).data
            let object = try #require(try JSONSerialization.jsonObject(with: summary) as? [String: Any])
            #expect(object["kind"] as? String == kind)
            #expect(files.last?.name == "spec.yaml")
        }
    }

    private func runAndList<S: StudySpec>(_ spec: S) throws -> ResultFiles {
        try ResultWriter.files(of: spec.run(jobs: 1) { _ in }, specText: "")
    }

    /// A documented field is accepted and an undocumented one refused, at every level the parsers
    /// take their keys from the reference.
    @Test func parsersAllowExactlyTheDocumentedFields() {
        #expect(ExperimentSpec.kind.keys("network", "layers") == ["size", "activation", "noise", "noise_site", "leak_steps", "connection_probability"])
        let spec = SpecValidationTests.valid.replacingOccurrences(of: "{size: 4, activation: sigmoid}", with: "{size: 4, activation: sigmoid, colour: red}")
        #expect(error { try ExperimentSpec.parse(spec, file: "t.yaml") }.contains("network.layers[0].colour: unknown field; allowed: size, activation, noise, noise_site, leak_steps, connection_probability"))
    }

    /// docs/spec-reference.md is the generated reference (regenerate: `neuromod fields > docs/spec-reference.md`).
    @Test func theCommittedReferenceIsTheGeneratedOne() throws {
        let path = NeuromodCLI.packageRoot.appendingPathComponent("docs/spec-reference.md").path
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        #expect(committed == StudyRegistry.fieldReference(), "docs/spec-reference.md is stale: run `neuromod fields > docs/spec-reference.md`")
        for kind in StudyRegistry.kinds.map({ $0.kind }) {
            #expect(committed.contains("## \(kind.plural.prefix(1).uppercased())\(kind.plural.dropFirst()) (`\(kind.section):`)"))
        }
    }
}
