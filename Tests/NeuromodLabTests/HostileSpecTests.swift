import Foundation
import Testing
@testable import NeuromodLab
import NeuromodTasks

/// Hostile specs stop with one line naming the file (and the field), before the YAML parser sees
/// deeply nested text and before anything a huge size asks for is allocated.
@Suite struct HostileSpecTests {
    func error(_ text: String, kind parse: (String) throws -> Any = { try ExperimentSpec.parse($0, file: "spec.yaml") }) -> String {
        do {
            _ = try parse(text)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func thousandsOfFlowBracketsAreRefusedBeforeParsing() {
        #expect(error("name: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000))
            == "spec.yaml:1: nested more than 64 levels deep; the limit is 64")
    }

    @Test func deepBlockIndentationIsRefusedAtTheLineThatGoesTooDeep() {
        let text = "name: x\n" + (0..<1000).map { String(repeating: " ", count: $0) + "k\($0):\n" }.joined()
        #expect(error(text) == "spec.yaml:66: nested more than 64 levels deep; the limit is 64")
    }

    @Test func compactNestedSequencesCountAsLevels() {
        #expect(error("name:\n" + String(repeating: "- ", count: 3000) + "x\n")
            == "spec.yaml:2: nested more than 64 levels deep; the limit is 64")
    }

    /// Nine levels of ten aliases each would expand to 10⁹ nodes ("billion laughs"); the walk over
    /// the composed tree stops once its budget of 100 000 nodes is spent.
    @Test func billionLaughsAreRefusedAfterABoundedWalk() {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1...9 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        #expect(error(lines.joined(separator: "\n") + "\nname: *a9\n")
            == "spec.yaml: aliases expand to more than 100000 nodes; the limit is 100000")
    }

    @Test func moreThanAHundredAliasesAreRefusedBeforeParsing() {
        let text = "a: &a x\nb: [" + Array(repeating: "*a", count: 101).joined(separator: ", ") + "]\n"
        #expect(error(text) == "spec.yaml:2: more than 100 aliases (*name); the limit is 100")
    }

    @Test func specsOverAMegabyteAreRefused() {
        #expect(error("name: x\n#" + String(repeating: "x", count: 1_000_000))
            == "spec.yaml: the spec holds 1000009 bytes; the limit is 1000000")
    }

    /// Brackets, quotes and stars inside plain text, quoted strings and comments are not nesting or aliases.
    @Test func proseWithBracketsAndStarsIsNotNesting() throws {
        var scanner = SpecLimits.Scanner()
        for _ in 0..<200 {
            scanner.scan(Array("description: values in [0, 1) are *fine* \"[[[[\" # {{{{ *a".utf8))
        }
        #expect(scanner.deepest == 1)
        #expect(scanner.aliases == 0)
    }

    /// Every shipped spec passes the text limits, with room to spare.
    @Test func shippedSpecsAreWellInsideTheLimits() throws {
        let models = NeuromodCLI.packageRoot.appendingPathComponent("Models")
        let files = FileManager.default.enumerator(atPath: models.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 10)
        for file in files {
            let text = try String(contentsOf: models.appendingPathComponent(file), encoding: .utf8)
            try SpecLimits.checkText(text, file: file)
            var scanner = SpecLimits.Scanner()
            for line in text.split(separator: "\n") { scanner.scan(Array(line.utf8)) }
            #expect(scanner.deepest <= 8, "\(file)")
        }
    }

    // MARK: - Sizes checked against --memory-limit before allocation

    /// 1 000 inputs into 2 000 000 000 neurons: 2·10¹² weights, far more than any machine's memory.
    @Test func hugeLayerInATaskSpecIsRefusedAtItsField() {
        let text = SpecValidationTests.valid.replacingOccurrences(of: "input: 1", with: "input: 1000")
            .replacingOccurrences(of: "size: 4,", with: "size: 2000000000,")
        #expect(error(text) == "spec.yaml: network.layers[0].size: 2000000000 needs 34 TB for its weights, updates and activity; the limit is \(limit)")
    }

    @Test func hugeSampleCountIsRefused() {
        let text = SpecValidationTests.valid.replacingOccurrences(of: "samples: 64", with: "samples: 2000000000000000")
        #expect(error(text).hasPrefix("spec.yaml: training.epochs: 2 (× 125000000000000 updates) needs 260 PB for the per-update metrics"))
    }

    @Test func hugeHiddenLayersInAnEnvironmentSpecAreRefused() {
        let text = Self.environment.replacingOccurrences(of: "hidden: [8]", with: "hidden: [2000000000, 2000000000]")
        #expect(error(text, kind: { try EpisodicSpec.parse($0, file: "env.yaml") })
            == "env.yaml: network.hidden[1]: 2000000000 needs more than 9 EB for its weights and eligibility traces; the limit is \(limit)")
    }

    @Test func hugeEpisodeCountIsRefused() {
        let text = Self.environment.replacingOccurrences(of: "episodes: 3", with: "episodes: 2000000000000")
        #expect(error(text, kind: { try EpisodicSpec.parse($0, file: "env.yaml") })
            .hasPrefix("env.yaml: training.episodes: 2000000000000 needs "))
    }

    @Test func hugeReadoutLayerIsRefused() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let text = Self.readout(data: try Self.pixels(in: scratch)).replacingOccurrences(of: "hidden: 20", with: "hidden: 2000000000000")
        #expect(error(text, kind: { try ReadoutSpec.parse($0, file: "r.yaml", resolveData: { $0 }) })
            .hasPrefix("r.yaml: readout.hidden: 2000000000000 needs "))
    }

    @Test func hugeGeneCountIsRefused() throws {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        let text = Self.evolution(data: try Self.pixels(in: scratch)).replacingOccurrences(of: "genes: [40]", with: "genes: [40, 2000000000000]")
        #expect(error(text, kind: { try EvolutionSpec.parse($0, file: "e.yaml", resolveData: { $0 }) })
            .hasPrefix("e.yaml: evolution.genes[1]: 2000000000000 needs "))
    }

    /// `neuromod gradcheck --widths` widens hidden layers after the spec was read; the widened
    /// network is checked before it is built.
    @Test func hugeWidthFactorIsRefusedBeforeTheNetworkIsBuilt() throws {
        let text = SpecValidationTests.valid.replacingOccurrences(of: "{name: BP, rule: backprop, learning_rate: 0.5}",
                                                                  with: "{name: WP, rule: weight-perturbation, learning_rate: 0.5, sigma: 0.1}")
        let spec = try ExperimentSpec.parse(text, file: "spec.yaml")
        #expect(throws: SpecError.self) {
            _ = try GradientCheck.measure(spec: spec, options: .init(samples: [2], widthFactors: [1e8]))
        }
        #expect(throws: GradientCheckError.self) {
            _ = try GradientCheck.measure(spec: spec, options: .init(samples: [2], widthFactors: [1e300]))
        }
    }

    /// The limit as messages quote it.
    var limit: String { MemoryLimit.described }

    /// A labeled-pixel CSV of 20 images of 4 pixels 0…16, labels 0–9 twice.
    static func pixels(in scratch: CLIScratchDirectory) throws -> String {
        try scratch.write("pixels.csv", (0..<20).map { "1,2,3,\($0 % 17),\($0 % 10)" }.joined(separator: "\n") + "\n")
    }

    static let environment = """
        name: env
        seed: 1
        runs: 2
        output: out
        environment: {name: cartpole}
        network: {hidden: [8]}
        training: {episodes: 3}
        methods: [{rule: nrl, learning_rate: 0.1, sigma: 0.01}]
        """

    static func readout(data: String) -> String {
        """
        name: r
        seed: 1
        runs: 1
        output: out
        data: {file: \(data), max_pixel: 16}
        readout: {hidden: 20, epochs: 1}
        methods: [{rule: sign-sgd, rate: 0.001}]
        """
    }

    static func evolution(data: String) -> String {
        """
        name: e
        seed: 1
        runs: 1
        output: out
        data: {file: \(data), max_pixel: 16}
        evolution: {hidden: 5, input_density: 0.5, genes: [40], gene_density: 0.1, population: 4, generations: 2, selection: 1}
        """
    }
}
