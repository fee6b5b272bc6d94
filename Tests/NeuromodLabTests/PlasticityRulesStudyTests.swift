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
        #expect(error(Self.spec(methods: "  - {name: a, rounds: 1, rule: hebb}")) == "rules.yaml:13: methods[0].rule: unknown value 'hebb'; expected one of: perceptron, table, gd-output, gd-full")
        #expect(error(Self.spec(methods: "  - {name: a, rounds: 1, rule: perceptron, batch: 5}")) == "rules.yaml:13: methods[0].batch: unknown field; allowed: name, rounds, input_weights, rule, rate, reading, recurrent_table, update, gate, output_edges")
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
