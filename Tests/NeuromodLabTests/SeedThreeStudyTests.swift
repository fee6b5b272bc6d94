import Foundation
import Testing
import Neuromod
import NeuromodTestSupport
@testable import NeuromodLab

/// Readout (dopaminergic plasticity) and evolution studies: spec errors (on the digits fixture),
/// learning on the full 8×8 digits and determinism whatever the number of jobs.
@Suite struct SeedThreeStudyTests {
    static let digits = TestData.full("digits.csv.gz")
    static let haveDigits = TestData.has("digits.csv.gz")
    static let needsDigits = Comment(rawValue: TestData.skipReason("digits.csv.gz"))
    /// The first 300 rows of digits.csv.gz, shipped in the repository.
    static let digitsFixture = TestData.fixture("digits.csv.gz")

    /// 8×8 digits (1 437 training, 360 test images), 200 fixed ReLU neurons, 10 epochs.
    static let readout = """
    name: readout
    seed: 3
    runs: 1
    output: out
    data: {file: \(digits), max_pixel: 16, test_fraction: 0.2, scaling: unit}
    readout: {hidden: 200, epochs: 10}
    methods:
      - {name: DNN, rule: dopaminergic, reading: graded, output_firing: winner, rate: 1, batch: 1}
      - {name: DNN text, rule: dopaminergic, reading: text, output_firing: winner, rate: 1, batch: 1}
      - {name: SignSGD, rule: sign-sgd, rate: 1.0e-3, batch: 10}
      - {name: Adam, rule: adam, rate: 1.0e-2, batch: 10}
    """

    /// 8×8 digits 0–4, 30 per class; 40 hidden neurons, 400 genes, 40 genotypes, 150 generations.
    static let evolution = """
    name: evolution
    seed: 2
    runs: 1
    output: out
    data: {file: \(digits), max_pixel: 16, classes: [0, 1, 2, 3, 4], train_per_class: 30, scaling: unit}
    evolution: {hidden: 40, input_density: 0.5, genes: [400], gene_density: 0.02, population: 40,
                generations: 150, selection: 5, evaluate_every: 50}
    sign_sgd: {rate: 1.0e-2, batch: 20, iterations: 100}
    """

    func error(_ parse: (String) throws -> Any, _ text: String) -> String {
        do {
            _ = try parse(text)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    /// The graded dopaminergic rule learns the digits (chance 10 %); the text reading does not move
    /// off chance, because from a random start no example is confidently right, so dopamine never comes.
    @Test(.enabled(if: haveDigits, needsDigits))
    func dopaminergicReadoutLearnsDigits() throws {
        let result = try ReadoutRunner(spec: ReadoutSpec.parse(Self.readout, file: "spec.yaml", resolveData: { $0 })).run(jobs: 2)
        let accuracy = Dictionary(uniqueKeysWithValues: result.summaries.map { ($0.method, $0.meanTestAccuracy) })
        #expect(accuracy["DNN"]! > 0.85, "DNN: \(accuracy["DNN"]!)")
        #expect(accuracy["DNN text"]! < 0.2, "DNN text: \(accuracy["DNN text"]!)")
        #expect(accuracy["SignSGD"]! > 0.85 && accuracy["Adam"]! > 0.9, "\(accuracy)")
    }

    @Test(.enabled(if: haveDigits, needsDigits))
    func readoutResultsDoNotDependOnJobs() throws {
        let spec = try ReadoutSpec.parse(Self.readout.replacingOccurrences(of: "epochs: 10", with: "epochs: 2"),
                                         file: "spec.yaml", resolveData: { $0 })
        let one = try ReadoutRunner(spec: spec).run(jobs: 1), two = try ReadoutRunner(spec: spec).run(jobs: 2)
        #expect(one.epochs == two.epochs)
    }

    /// Evolution lifts the consensus genotype well above chance (20 %) on digits 0–4 (67 % here),
    /// SignSGD on its output layer adds more (85 %), and the numbers do not depend on the number of jobs.
    @Test(.enabled(if: haveDigits, needsDigits))
    func evolutionLearnsDigitsDeterministically() throws {
        let spec = try EvolutionSpec.parse(Self.evolution, file: "spec.yaml", resolveData: { $0 })
        let one = try EvolutionRunner(spec: spec).run(jobs: 1), two = try EvolutionRunner(spec: spec).run(jobs: 2)
        #expect(one.checkpoints == two.checkpoints)
        #expect(one.summaries.map(\.signSGDAccuracy) == two.summaries.map(\.signSGDAccuracy))
        for s in one.summaries {
            #expect(s.consensusAccuracy > 0.5, "genes \(s.genes): \(s.consensusAccuracy)")
            #expect(s.signSGDAccuracy! > 0.8, "genes \(s.genes): \(s.signSGDAccuracy!)")
        }
        #expect(one.checkpoints.last!.meanFitness > one.checkpoints.first!.meanFitness)
    }

    /// A readout method's minibatch may not exceed the training set (240 images of the fixture's 300).
    @Test func readoutBatchLargerThanTheTrainingSetIsRefused() throws {
        let text = Self.readout.replacingOccurrences(of: Self.digits, with: Self.digitsFixture)
            .replacingOccurrences(of: "rate: 1.0e-2, batch: 10", with: "rate: 1.0e-2, batch: 241")
        let spec = try ReadoutSpec.parse(text, file: "r.yaml", resolveData: { $0 })
        #expect(throws: SpecError(file: "r.yaml", field: "methods", message: "method 'Adam': batch 241 is larger than the training set (240 images)")) {
            try ReadoutRunner(spec: spec).run(jobs: 1)
        }
    }

    @Test func specErrorsNameTheField() throws {
        let readout = { (text: String) in try ReadoutSpec.parse(text, file: "r.yaml", resolveData: { $0 }) }
        let base = Self.readout.replacingOccurrences(of: Self.digits, with: "/tmp")
        #expect(error(readout, base.replacingOccurrences(of: "rule: sign-sgd", with: "rule: sign")).contains(
            "r.yaml:10: methods[2].rule: unknown value 'sign'; expected one of: dopaminergic, sign-sgd, adam"))
        #expect(error(readout, base.replacingOccurrences(of: "reading: graded,", with: "reading: intro,")).contains(
            "r.yaml:8: methods[0].reading: unknown value 'intro'; expected one of: printed, text, graded, graded-per-output"))
        #expect(error(readout, base.replacingOccurrences(of: "rate: 1.0e-3, batch: 10", with: "rate: 1.0e-3, batch: 10, reading: text")).contains(
            "methods[2]"))
        #expect(error(readout, Self.readout.replacingOccurrences(of: Self.digits, with: "/nowhere/d.csv")) ==
            "r.yaml:5: data.file: data file not found: /nowhere/d.csv")
        #expect(error(readout, base.replacingOccurrences(of: "max_pixel: 16, ", with: "")).contains(
            "r.yaml:5: data: required field 'max_pixel' is missing (255 for mnist_5k, 16 for digits)"))
        let evolution = { (text: String) in
            try EvolutionSpec.parse(text.replacingOccurrences(of: Self.digits, with: Self.digitsFixture), file: "e.yaml", resolveData: { $0 })
        }
        #expect(error(evolution, Self.evolution.replacingOccurrences(of: "gene_density: 0.02", with: "gene_density: 2")).contains(
            "e.yaml:6: evolution.gene_density: expected a probability in (0, 1], got 2.0"))
        #expect(error(evolution, Self.evolution.replacingOccurrences(of: "genes: [400]", with: "genes: []")).contains(
            "e.yaml:6: evolution.genes: list at least one number of genes"))
        #expect(error(evolution, Self.evolution.replacingOccurrences(of: "classes: [0, 1, 2, 3, 4]", with: "classes: [0, 12]")).contains(
            "e.yaml:5: data.classes: expected distinct digits 0…9, got [0, 12]"))
    }
}
