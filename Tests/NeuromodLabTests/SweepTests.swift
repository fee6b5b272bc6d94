import Testing
@testable import NeuromodLab

@Suite struct SweepTests {
    static let spec = SpecValidationTests.valid.replacingOccurrences(
        of: "  - {name: BP, rule: backprop, learning_rate: 0.5}",
        with: "  - {name: BP, rule: backprop, learning_rate: 0.5}\n  - {name: WP, rule: weight-perturbation, learning_rate: 0.7, sigma: 0.2}")

    func parse(_ sweep: String) throws -> ExperimentSpec {
        try ExperimentSpec.parse(Self.spec + "\nsweep:\n" + sweep, file: "spec.yaml")
    }

    @Test func gridExpandsToEveryCombination() throws {
        let spec = try parse("  BP: {learning_rate: [0.1, 0.2]}\n  WP: {learning_rate: [0.3, 0.5, 0.7], sigma: [0.1, 0.2]}\n")
        let names = try Sweep(spec: spec).configurations.map(\.name)
        #expect(names.count == 2 + 6)
        #expect(names.first == "BP η=0.1")
        #expect(names.contains("WP η=0.5 σ=0.2"))
    }

    @Test func omittedListKeepsTheMethodsValue() throws {
        let spec = try parse("  WP: {learning_rate: [0.3, 0.5]}\n")
        #expect(spec.sweep == [MethodGrid(method: "WP", learningRates: [0.3, 0.5], sigmas: [0.2])])
    }

    @Test func badGridsAreNamed() {
        func message(_ sweep: String) -> String {
            do { _ = try parse(sweep); return "no error" } catch { return "\(error)" }
        }
        #expect(message("  XP: {learning_rate: [0.1]}\n").contains("sweep.XP: unknown field (did you mean 'BP'?); allowed: BP, WP"))
        #expect(message("  BP: {sigma: [0.1]}\n").contains("sweep.BP.sigma: backprop has no sigma to sweep"))
        #expect(message("  WP: {learning_rate: [0.1, -2]}\n").contains("sweep.WP.learning_rate[1]: expected a positive number, got -2"))
        #expect(message("  WP: {learning_rate: []}\n").contains("expected at least one value"))
    }

    @Test func specWithoutGridsIsRejected() throws {
        let spec = try ExperimentSpec.parse(Self.spec, file: "spec.yaml")
        #expect(throws: SpecError.self) { try Sweep(spec: spec) }
    }

    /// Ranking: fewest divergences, then lowest mean final loss; a hopeless learning rate ranks last.
    @Test func configurationsAreRankedWithinTheirMethod() throws {
        let spec = try parse("  BP: {learning_rate: [1e20, 0.5, 0.05]}\n")
        let (rows, _) = try Sweep(spec: spec).run(jobs: 2)
        #expect(rows.map(\.rank) == [1, 2, 3])
        #expect(rows.last?.learningRate == 1e20 && rows.last?.diverged == 2)
        #expect(rows[0].meanFinalLoss <= rows[1].meanFinalLoss)
        let csv = Sweep.csv(rows)
        #expect(csv.hasPrefix("method,rank,learning_rate,sigma,runs,diverged,mean_final_loss,sd_final_loss,mean_variance_across_runs\n"))
        #expect(csv.split(separator: "\n").count == 4)
    }
}
