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
        ("{name: l2, steps: 5, step_size: 0.5}", "{name: l2, norm: 2}", "rules.yaml:13: kcap.robustness.attacks[0].norm: unknown field; allowed: name, kind, steps, step_size, step_kind, loss, success, samples, delta, source"),
        ("{name: l2, steps: 5, step_size: 0.5}", "{steps: 5}", "rules.yaml:13: kcap.robustness.attacks[0]: required field 'name' is missing"),
        ("name: raw soft,", "name: l2,", "rules.yaml:14: kcap.robustness.attacks[1]: attack name 'l2' is used twice"),
        ("    attacks:\n      - {name: l2, steps: 5, step_size: 0.5}\n      - {name: raw soft, step_kind: raw-gradient, steps: 5, loss: ce-double-softmax, success: target}",
         "    attacks: []", "rules.yaml:12: kcap.robustness.attacks: at least one attack is required"),
        // The gradient-free and transfer kinds.
        (soft, "{name: x, kind: pgd}", "rules.yaml:14: kcap.robustness.attacks[1].kind: unknown value 'pgd'; expected one of: gradient, spsa, transfer"),
        (soft, "{name: x, kind: transfer, source: T=9}",
         "rules.yaml:14: kcap.robustness.attacks[1].source: unknown method 'T=9'; the study's methods are 'T=1', 'GD'"),
        (soft, "{name: x, kind: transfer}", "rules.yaml:14: kcap.robustness.attacks[1]: required field 'source' is missing (a method name)"),
        (soft, "{name: x, kind: spsa, samples: 0}", "rules.yaml:14: kcap.robustness.attacks[1].samples: expected a positive integer, got 0"),
        (soft, "{name: x, kind: spsa, delta: 0}", "rules.yaml:14: kcap.robustness.attacks[1].delta: expected a positive number, got 0.0"),
        (soft, "{name: x, kind: spsa, delta: -0.5}", "rules.yaml:14: kcap.robustness.attacks[1].delta: expected a positive number, got -0.5"),
        (soft, "{name: x, samples: 4}",
         "rules.yaml:14: kcap.robustness.attacks[1].samples: unknown field; allowed: name, kind, steps, step_size, step_kind, loss, success"),
        (soft, "{name: x, kind: spsa, source: T=1}",
         "rules.yaml:14: kcap.robustness.attacks[1].source: unknown field; allowed: name, kind, steps, step_size, step_kind, loss, success, samples, delta"),
        (soft, "{name: x, kind: transfer, source: T=1, delta: 0.1}",
         "rules.yaml:14: kcap.robustness.attacks[1].delta: unknown field; allowed: name, kind, steps, step_size, step_kind, loss, success, source"),
    ]
    static let soft = "{name: raw soft, step_kind: raw-gradient, steps: 5, loss: ce-double-softmax, success: target}"

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

    /// SPSA and transfer attacks beside the gradient attack, as ``spec(robustness:dataset:)``.
    static let kinds = """
        images: 10
        epsilons: [0, 1, 3]
        attacks:
          - {name: l2, steps: 5, step_size: 0.5}
          - {name: spsa, kind: spsa, samples: 4, delta: 0.05, steps: 5, step_size: 0.5}
          - {name: from T=1, kind: transfer, source: T=1, steps: 5, step_size: 0.5}
          - {name: from GD, kind: transfer, source: GD, steps: 5, step_size: 0.5}
    """

    /// With SPSA and transfer attacks: one job or two give the same numbers, in the spec's attack
    /// order per (run, method); a transfer from the attacked net itself gives the gradient
    /// attack's numbers; SPSA breaks some image the clean net classifies (it moves).
    @Test func spsaAndTransferDoNotDependOnJobs() throws {
        let spec = try PlasticityRulesSpec.parse(Self.spec(robustness: Self.kinds), file: "kinds.yaml")
        let one = try spec.run(jobs: 1) { _ in }, two = try spec.run(jobs: 2) { _ in }
        #expect(one.robustness.map(\.robustAccuracy) == two.robustness.map(\.robustAccuracy))
        #expect(one.robustness.map { "\($0.method) \($0.run) \($0.attack) \($0.epsilon)" } == two.robustness.map { "\($0.method) \($0.run) \($0.attack) \($0.epsilon)" })
        #expect(one.robustness.count == 2 * 2 * 4 * 3)
        #expect(one.robustness.prefix(12).map(\.attack) == ["l2", "l2", "l2", "spsa", "spsa", "spsa", "from T=1", "from T=1", "from T=1", "from GD", "from GD", "from GD"])
        func values(_ method: String, _ attack: String) -> [Double] {
            one.robustness.filter { $0.method == method && $0.attack == attack }.map(\.robustAccuracy)
        }
        #expect(values("T=1", "from T=1") == values("T=1", "l2") && values("GD", "from GD") == values("GD", "l2"))
        #expect(values("T=1", "from GD") != values("T=1", "l2") || values("GD", "from T=1") != values("GD", "l2"))
        let spsa = values("T=1", "spsa") + values("GD", "spsa"), clean = values("T=1", "l2") + values("GD", "l2")
        #expect(spsa.enumerated().allSatisfy { $0.offset % 3 != 0 || $0.element == clean[$0.offset] })
        #expect(spsa.enumerated().contains { $0.offset % 3 == 2 && $0.element < clean[$0.offset - 2] })
    }

    /// `--methods` may leave a transfer source out: it is still trained (same streams) for the
    /// attack, not reported, and the kept method's numbers are those of the whole spec.
    @Test func transferSourceLeftOutIsStillTrained() throws {
        let whole = try PlasticityRulesSpec.parse(Self.spec(robustness: Self.kinds), file: "kinds.yaml")
        var narrow = whole
        narrow.keepMethods(["GD"])
        #expect(narrow.methods.map(\.name) == ["GD"] && narrow.trainedMethods.map(\.name) == ["GD", "T=1"])
        let all = try whole.run(jobs: 2) { _ in }, kept = try narrow.run(jobs: 2) { _ in }
        #expect(kept.summaries.map(\.method) == ["GD"] && Set(kept.epochs.map(\.method)) == ["GD"])
        #expect(kept.robustness.map(\.robustAccuracy) == all.robustness.filter { $0.method == "GD" }.map(\.robustAccuracy))
        #expect(kept.summaries[0].testAccuracy == all.summaries.first { $0.method == "GD" }!.testAccuracy)
        #expect(narrow.memoryEstimate(jobs: 1).parts.contains { $0.purpose == "the trained networks kept for the transfer attacks" })
        #expect(!(try PlasticityRulesSpec.parse(Self.spec(), file: "robust.yaml")).memoryEstimate(jobs: 1).parts.contains { $0.purpose.contains("transfer") })
    }

    /// `neuromod check` prices an SPSA attack at 2S + 1 forward passes per pair and step, and a
    /// transfer at the gradient attack's pass plus the attacked net's forward pass (60 nodes, d = 784,
    /// T = 3, 10 images, 2 radii > 0, 6 iterates).
    @Test func spsaAndTransferArePriced() throws {
        func seconds(_ attack: String) throws -> Double {
            try PlasticityRulesSpec.parse(Self.spec(robustness: "    images: 10\n    epsilons: [0, 1, 3]\n    attacks:\n      - \(attack)"),
                                          file: "price.yaml").attackSeconds(width: 784, rounds: 3)
        }
        let forward = 784.0 * 60 + 2 * 60 * 60, pass = 2 * (784.0 * 60 + 2 * 2 * 60 * 60), pairs = 2.0 * 10 * 9 * 6
        #expect(abs(try seconds("{name: a, kind: spsa, samples: 4, steps: 5}") - pairs * 9 * forward * 0.1e-9) < 1e-15)
        #expect(abs(try seconds("{name: a, steps: 5}") - pairs * pass * 0.1e-9) < 1e-15)
        #expect(abs(try seconds("{name: a, kind: transfer, source: GD, steps: 5}") - pairs * (pass + forward) * 0.1e-9) < 1e-15)
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
