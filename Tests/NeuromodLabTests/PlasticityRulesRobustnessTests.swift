import Foundation
import Testing
import Neuromod
import NeuromodTestSupport
@testable import NeuromodLab

/// The robustness evaluation of plasticity-rules studies (`kcap.robustness`, seed 002 §4, Fig. 5):
/// spec errors in one line, determinism whatever the number of jobs, and the files it writes.
@Suite struct PlasticityRulesRobustnessTests {
    /// ``PlasticityRulesStudyTests/spec(methods:kcap:)`` on the MNIST fixture (200 + 200 images),
    /// two methods, 10 images attacked.
    static func spec(robustness: String = """
        images: 10
        epsilons: [0, 1, 3]
        attacks:
          - {name: l2, steps: 5, step_size: 0.5}
          - {name: raw soft, step_kind: raw-gradient, steps: 5, loss: ce-double-softmax, success: target}
    """, dataset: String = "{name: mnist, folder: \(TestData.fixture("mnist"))}") -> String {
        PlasticityRulesStudyTests.spec(methods: "  - {name: T=1, rounds: 1, rule: perceptron}\n  - {name: GD, rounds: 2, rule: gd-full, batch: 20}",
                                       kcap: "  robustness:\n" + robustness)
            .replacingOccurrences(of: "{name: halfspace, teacher: halfspace, train: 400, test: 200}", with: dataset)
    }

    /// (text replaced in ``spec(robustness:dataset:)``, its replacement, the message).
    static let cases: [(String, String, String)] = [
        ("epsilons: [0, 1, 3]", "epsilons: [0, -1]", "rules.yaml:11: kcap.robustness.epsilons[1]: expected a radius ε ≥ 0, got -1.0"),
        ("epsilons: [0, 1, 3]", "epsilons: []", "rules.yaml:11: kcap.robustness.epsilons: at least one ε is required"),
        ("epsilons: [0, 1, 3]", "epsilons: [1, 1.0]", "rules.yaml:11: kcap.robustness.epsilons: every ε must be listed once"),
        ("    epsilons: [0, 1, 3]\n", "", "rules.yaml:10: kcap.robustness: required field 'epsilons' is missing"),
        ("images: 10", "images: 0", "rules.yaml:10: kcap.robustness.images: expected a positive integer, got 0"),
        ("images: 10", "image: 10", "rules.yaml:10: kcap.robustness.image: unknown field (did you mean 'images'?); allowed: images, epsilons, attacks"),
        ("{name: l2, steps: 5, step_size: 0.5}", "{name: l2, steps: 0}", "rules.yaml:13: kcap.robustness.attacks[0].steps: expected a positive integer, got 0"),
        ("{name: l2, steps: 5, step_size: 0.5}", "{name: l2, step_size: 0}", "rules.yaml:13: kcap.robustness.attacks[0].step_size: expected a positive number, got 0.0"),
        ("{name: l2, steps: 5, step_size: 0.5}", "{name: l2, step_kind: sign}", "rules.yaml:13: kcap.robustness.attacks[0].step_kind: unknown value 'sign'; expected one of: l2-normalized, raw-gradient, l2-box"),
        ("{name: l2, steps: 5, step_size: 0.5}", "{name: l2, loss: mse}", "rules.yaml:13: kcap.robustness.attacks[0].loss: unknown value 'mse'; expected one of: ce-logits, ce-double-softmax"),
        ("{name: l2, steps: 5, step_size: 0.5}", "{name: l2, success: any}", "rules.yaml:13: kcap.robustness.attacks[0].success: unknown value 'any'; expected one of: misclassified, target"),
        ("{name: l2, steps: 5, step_size: 0.5}", "{name: l2, norm: 2}", "rules.yaml:13: kcap.robustness.attacks[0].norm: unknown field; allowed: name, steps, step_size, step_kind, loss, success"),
        ("{name: l2, steps: 5, step_size: 0.5}", "{steps: 5}", "rules.yaml:13: kcap.robustness.attacks[0]: required field 'name' is missing"),
        ("name: raw soft,", "name: l2,", "rules.yaml:14: kcap.robustness.attacks[1]: attack name 'l2' is used twice"),
        ("    attacks:\n      - {name: l2, steps: 5, step_size: 0.5}\n      - {name: raw soft, step_kind: raw-gradient, steps: 5, loss: ce-double-softmax, success: target}",
         "    attacks: []", "rules.yaml:12: kcap.robustness.attacks: at least one attack is required"),
    ]

    @Test(arguments: cases.indices)
    func fieldErrorIsOneLine(_ n: Int) {
        let (old, new, message) = Self.cases[n]
        let text = Self.spec()
        #expect(text.contains(old))
        #expect(PlasticityRulesStudyTests().error(text.replacingOccurrences(of: old, with: new)) == message)
    }

    @Test func teachersCannotBeAttacked() {
        let text = Self.spec(dataset: "{name: halfspace, teacher: halfspace, train: 100, test: 100}")
        #expect(PlasticityRulesStudyTests().error(text) == "rules.yaml:10: kcap.robustness: attacks perturb pixels in [0, 1]: dataset 'halfspace' is a synthetic teacher")
    }

    /// Same spec and seed, one job or two: the same robust accuracies (and accuracies), every
    /// (run, method, attack, ε) once, each a share of the 10 images; at ε = 0 it is the clean
    /// accuracy on them, and no ε has more robust images than ε = 0.
    @Test func robustAccuracyDoesNotDependOnJobs() throws {
        let spec = try PlasticityRulesSpec.parse(Self.spec(), file: "robust.yaml")
        let one = try spec.run(jobs: 1) { _ in }, two = try spec.run(jobs: 2) { _ in }
        #expect(one.robustness.map(\.robustAccuracy) == two.robustness.map(\.robustAccuracy))
        #expect(one.summaries.map(\.meanTestAccuracy) == two.summaries.map(\.meanTestAccuracy))
        #expect(one.robustness.count == 2 * 2 * 2 * 3)
        #expect(one.robustness.allSatisfy { ($0.robustAccuracy * 10).rounded() == $0.robustAccuracy * 10 })
        for p in one.robustness where p.epsilon > 0 {
            let clean = one.robustness.first { $0.method == p.method && $0.run == p.run && $0.attack == p.attack && $0.epsilon == 0 }!
            #expect(p.robustAccuracy <= clean.robustAccuracy, "\(p)")
        }
    }

    /// robustness.csv has a row per point; summary.json groups them per (dataset, method, attack, ε)
    /// with the runs' values; the table has a column per ε.
    @Test func robustnessIsWrittenToFilesAndSummary() throws {
        let result = try PlasticityRulesSpec.parse(Self.spec(), file: "robust.yaml").run(jobs: 2) { _ in }
        let files = try result.dataFiles()
        let csv = String(decoding: files.first { $0.name == "robustness.csv" }!.data, as: UTF8.self).split(separator: "\n")
        #expect(csv.first == "dataset,method,run,attack,epsilon,robust_accuracy,seconds" && csv.count == 1 + 24)
        #expect(csv[1].hasPrefix("mnist,T=1,0,l2,0.0,"))
        let summary = result.summary.robustness
        #expect(summary.count == 2 * 2 * 3 && summary.allSatisfy { $0.robustAccuracy.count == 2 })
        #expect(summary.map(\.epsilon).prefix(3) == [0, 1, 3])
        #expect(result.table.contains("ε 3") && result.table.contains("raw soft"))
        let plain = try PlasticityRulesSpec.parse(PlasticityRulesStudyTests.spec(), file: "rules.yaml")
        #expect(plain.robustness == nil && plain.attackSeconds(width: 10, rounds: 1) == 0)
    }
}
