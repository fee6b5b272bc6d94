import Foundation
import Testing
import Neuromod
import NeuromodTasks
import NeuromodTestSupport
@testable import NeuromodLab

/// Plasticity-rules studies (seed 002): spec errors with their one-line messages, determinism
/// whatever the number of jobs, learning on a teacher and on the MNIST fixture.
@Suite struct PlasticityRulesStudyTests {
    /// A halfspace teacher (d = 10, 400 + 200 points) on a 60-unit, cap-30 network.
    static func spec(methods: String = """
      - {name: T=1, rounds: 1, rule: perceptron}
      - {name: T=1*, rounds: 1, rule: perceptron, input_weights: ones}
      - {name: T=2 r, rounds: 2, rule: table, output_table: [[-1, 1], [1, -1], [-1, 1], [1, -1]], recurrent_table: [[0, 1, 0, 1], [0, -1, 0, 1], [0, 0, 0, 0], [1, 1, 1, 1]], update: additive}
      - {name: GD, rounds: 2, rule: gd-full, batch: 20}
    """, kcap: String = "") -> String {
        """
        name: rules
        seed: 4
        runs: 2
        output: out
        kcap:
          nodes: 60
          cap: 30
          epochs: 2
        \(kcap)
          datasets:
            - {name: halfspace, teacher: halfspace, train: 400, test: 200}
        methods:
        \(methods)
        """
    }

    func error(_ text: String) -> String { StudyRegistryTests().error { try StudyRegistry.parse(text, file: "rules.yaml") } }

    @Test func specErrorsNameTheFileAndField() {
        #expect(error(Self.spec(kcap: "  fire: nonzero")).hasPrefix("rules.yaml:9: kcap.fire: unknown field (did you mean 'fired'?); allowed: nodes, cap,"))
        #expect(error(Self.spec(kcap: "  fired: all")) == "rules.yaml:9: kcap.fired: unknown value 'all'; expected one of: nonzero, topk-index")
        #expect(error(Self.spec().replacingOccurrences(of: "cap: 30", with: "cap: 61")) == "rules.yaml:7: kcap.cap: the cap must be at most the nodes (60), got 61")
        #expect(error(Self.spec(methods: "  - {name: a, rounds: 9, rule: perceptron}")) == "rules.yaml:13: methods[0].rounds: expected 1…8 rounds (tables are 2^T wide), got 9")
        #expect(error(Self.spec(methods: "  - {name: a, rounds: 1, rule: hebb}")) == "rules.yaml:13: methods[0].rule: unknown value 'hebb'; expected one of: perceptron, table, meta-learned, gd-output, gd-full")
        #expect(error(Self.spec(methods: "  - {name: a, rounds: 1, rule: perceptron, batch: 5}")) == "rules.yaml:13: methods[0].batch: unknown field; allowed: name, rounds, input_weights, rule, rate, reading, recurrent_table, update, gate, output_edges, margin")
        #expect(error(Self.spec(methods: "  - {name: a, rounds: 2, rule: table, output_table: [[1, -1], [-1, 1]]}")) == "rules.yaml:13: methods[0].output_table: expected 4 rows of 2 numbers (2^T for T rounds), got 2 rows")
        #expect(error(Self.spec(methods: "  - {name: a, rounds: 1, rule: table}")) == "rules.yaml:13: methods[0]: required field 'output_table' is missing")
        #expect(error(Self.spec(methods: "  - {name: a, rounds: 1, rule: perceptron}\n  - {name: a, rounds: 1, rule: gd-output}")).contains("methods"))
        #expect(error(Self.spec().replacingOccurrences(of: "teacher: halfspace,", with: "teacher: halfspace, width: 5,")) == "rules.yaml:11: kcap.datasets[0].width: only the relu teacher has a width")
        #expect(error(Self.spec().replacingOccurrences(of: "teacher: halfspace, train: 400, test: 200", with: "folder: /nonexistent")) == "rules.yaml:11: kcap.datasets[0].folder: data folder not found: /nonexistent")
        #expect(error(Self.spec().replacingOccurrences(of: "{name: halfspace, teacher: halfspace, train: 400, test: 200}", with: "{name: x}")) == "rules.yaml:11: kcap.datasets[0]: required field 'folder' (IDX images) or 'teacher' (halfspace, relu, rnn) is missing")
        #expect(error(Self.spec().replacingOccurrences(of: "nodes: 60", with: "nodes: 10000000")).hasPrefix("rules.yaml: kcap.nodes: 10000000 needs"))
    }

    /// The same spec and seed give the same numbers with one job or two.
    @Test func resultsDoNotDependOnJobs() throws {
        let spec = try PlasticityRulesSpec.parse(Self.spec(), file: "rules.yaml")
        let one = try spec.run(jobs: 1) { _ in }, two = try spec.run(jobs: 2) { _ in }
        func numbers(_ r: PlasticityRulesResult) -> [[Double]] { r.epochs.map { [$0.onlineAccuracy, $0.testAccuracy, Double($0.epoch), Double($0.run)] } }
        #expect(numbers(one) == numbers(two))
        #expect(one.summaries.map(\.meanTestAccuracy) == two.summaries.map(\.meanTestAccuracy))
        #expect(one.epochs.count == 4 * 2 * 2)
        #expect(one.table.contains("T=1*"))
    }

    /// The summary carries each run's final training-set accuracy next to its test accuracy (the
    /// reading under which Table 2's T=1\* reproduces: docs/plasticity-rules.md, "The T=1\* gap").
    @Test func summaryHasTheFinalTrainAccuracy() throws {
        let result = try PlasticityRulesSpec.parse(Self.spec(), file: "rules.yaml").run(jobs: 2) { _ in }
        for s in result.summaries {
            var last: [Int: KCapEpoch] = [:]
            for e in result.epochs where e.dataset == s.dataset && e.method == s.method && e.epoch >= (last[e.run]?.epoch ?? 0) {
                last[e.run] = e
            }
            #expect(s.trainAccuracy == (0..<result.spec.runs).map { last[$0]!.trainAccuracy })
            #expect(s.testAccuracy == (0..<result.spec.runs).map { last[$0]!.testAccuracy })
            #expect(abs(s.meanTrainAccuracy - s.trainAccuracy.reduce(0, +) / Double(s.trainAccuracy.count)) < 1e-12)
        }
        #expect(result.table.contains("train accuracy %"))
    }

    /// A 60-unit network learns a halfspace above chance with the Perceptron output rule (measured
    /// 0.68, 0.78 with the recurrent table) and well with gradient descent (0.97). Chance is about 0.5
    /// and 200 test points have an SD of 0.035, so 0.6 is three SDs above it.
    @Test func rulesAndGradientsLearnAHalfspace() throws {
        let result = try PlasticityRulesSpec.parse(Self.spec(), file: "rules.yaml").run(jobs: 2) { _ in }
        let accuracy = Dictionary(uniqueKeysWithValues: result.summaries.map { ($0.method, $0.meanTestAccuracy) })
        #expect(accuracy["T=1"]! > 0.6 && accuracy["T=2 r"]! > 0.6 && accuracy["GD"]! > 0.9, "\(accuracy)")
    }

    /// The MNIST fixture's first images: a random subset is drawn by the seed, in file order.
    @Test func imageSubsetsAreSeededAndInFileOrder() throws {
        let folder = TestData.fixture("mnist")
        let all = try ImageClassification.loadRandomSubset(folder: folder, split: .train, count: nil, rng: try RandomGenerator(.mt19937, seed: 1))
        let a = try ImageClassification.loadRandomSubset(folder: folder, split: .train, count: 10, rng: try RandomGenerator(.mt19937, seed: 1))
        let b = try ImageClassification.loadRandomSubset(folder: folder, split: .train, count: 10, rng: try RandomGenerator(.mt19937, seed: 1))
        #expect(a == b && a.count == 10)
        #expect(all.inputs.storage.allSatisfy { $0 >= 0 && $0 <= 1 })
        let rows = (0..<a.count).map { a.inputs.row($0) }
        let positions = rows.map { row in (0..<all.count).first { all.inputs.row($0) == row }! }
        #expect(positions == positions.sorted())
    }

    /// Every teacher gives balanced enough labels and is reproducible from its stream.
    @Test func teachersAreSeeded() throws {
        for teacher in Seed002Teacher.allCases {
            for distribution in Seed002Teacher.Distribution.allCases {
                func make() throws -> (train: ClassificationSet, test: ClassificationSet) {
                    try teacher.make(dimension: 10, train: 300, test: 100, distribution: distribution, width: 50,
                                     rng: try RandomGenerator(.mt19937, seed: 9))
                }
                let first = try make(), again = try make()
                #expect(first.train == again.train && first.test == again.test)
                let ones = first.train.labels.filter { $0 == 1 }.count
                #expect(ones > 0 && ones < 300, "\(teacher) \(distribution): \(ones) of 300")
            }
        }
    }
}

/// Every field of a plasticity-rules spec refuses a bad value in one line naming the file, the
/// line and the field.
@Suite struct PlasticityRulesSpecFieldTests {
    static let perceptron = "{name: T=1, rounds: 1, rule: perceptron}", gd = "{name: GD, rounds: 2, rule: gd-full, batch: 20}"
    /// (text replaced in ``PlasticityRulesStudyTests/spec(methods:kcap:)``, its replacement, the message).
    static let cases: [(String, String, String)] = [
        ("nodes: 60", "nodes: 0", "rules.yaml:6: kcap.nodes: expected a positive integer, got 0"),
        ("  epochs: 2\n", "", "rules.yaml:6: kcap: required field 'epochs' is missing"),
        ("  epochs: 2\n", "  epochs: 2\n  edge_probability: 1.5\n", "rules.yaml:9: kcap.edge_probability: expected a probability in [0, 1], got 1.5"),
        ("  epochs: 2\n", "  epochs: 2\n  recurrence: rnn\n", "rules.yaml:9: kcap.recurrence: unknown value 'rnn'; expected one of: paper, code"),
        ("  epochs: 2\n", "  epochs: 2\n  ties: first\n", "rules.yaml:9: kcap.ties: unknown value 'first'; expected one of: lowest-index, random"),
        ("  epochs: 2\n", "  epochs: 2\n  input_mask: none\n", "rules.yaml:9: kcap.input_mask: unknown value 'none'; expected one of: masked, dense"),
        ("    - {name: halfspace, teacher: halfspace, train: 400, test: 200}", "    []", "rules.yaml:11: kcap.datasets: at least one dataset is required"),
        ("teacher: halfspace,", "teacher: xor,", "rules.yaml:11: kcap.datasets[0].teacher: unknown value 'xor'; expected one of: halfspace, relu, rnn"),
        ("teacher: halfspace,", "teacher: halfspace, distribution: cauchy,", "rules.yaml:11: kcap.datasets[0].distribution: unknown value 'cauchy'; expected one of: normal, uniform"),
        ("train: 400", "train: 0", "rules.yaml:11: kcap.datasets[0].train: expected a positive integer, got 0"),
        (perceptron, "{name: T=1, rounds: 1, rule: perceptron, input_weights: zeros}", "rules.yaml:13: methods[0].input_weights: unknown value 'zeros'; expected one of: normal, ones"),
        (perceptron, "{name: T=1, rounds: 1, rule: perceptron, reading: first-round}", "rules.yaml:13: methods[0].reading: unknown value 'first-round' (did you mean 'last-round'?); expected one of: last-round, any-round"),
        (perceptron, "{name: T=1, rounds: 1, rule: perceptron, update: exponential}", "rules.yaml:13: methods[0].update: unknown value 'exponential'; expected one of: additive, multiplicative, factor"),
        (perceptron, "{name: T=1, rounds: 1, rule: perceptron, gate: margin}", "rules.yaml:13: methods[0].gate: unknown value 'margin'; expected one of: all, misclassified"),
        (perceptron, "{name: T=1, rounds: 1, rule: perceptron, output_edges: none}", "rules.yaml:13: methods[0].output_edges: unknown value 'none'; expected one of: label-and-prediction, all-edges"),
        (perceptron, "{name: T=1, rounds: 1, rule: perceptron, rate: -1}", "rules.yaml:13: methods[0].rate: expected a positive number, got -1.0"),
        (perceptron, "{name: T=1, rounds: 1, rule: perceptron, recurrent_table: [[1, 2], [3, .nan]]}", "rules.yaml:13: methods[0].recurrent_table[1][1]: expected a number, got '.nan'"),
        (perceptron, "{rounds: 1, rule: perceptron}", "rules.yaml:13: methods[0]: required field 'name' is missing"),
        (perceptron, "{name: T=1, rule: perceptron}", "rules.yaml:13: methods[0]: required field 'rounds' is missing"),
        (perceptron, "{name: T=1, rounds: 1, rule: perceptron, margin: -1}", "rules.yaml:13: methods[0].margin: expected a number ≥ 0, got -1.0"),
        (perceptron, "{name: T=1, rounds: 1, rule: perceptron, gate: all, margin: 1}", "rules.yaml:13: methods[0].margin: a margin widens gate 'misclassified'; gate 'all' updates on every example already"),
        (gd, "{name: GD, rounds: 2, rule: gd-full, batch: 0}", "rules.yaml:16: methods[3].batch: expected a positive integer, got 0"),
        (gd, "{name: GD, rounds: 2, rule: gd-full, gate: all}", "rules.yaml:16: methods[3].gate: unknown field (did you mean 'rate'?); allowed: name, rounds, input_weights, rule, rate, batch"),
    ]

    @Test(arguments: cases.indices)
    func fieldErrorIsOneLine(_ n: Int) {
        let (old, new, message) = Self.cases[n]
        let text = PlasticityRulesStudyTests.spec()
        #expect(text.contains(old))
        #expect(PlasticityRulesStudyTests().error(text.replacingOccurrences(of: old, with: new)) == message)
    }
}
