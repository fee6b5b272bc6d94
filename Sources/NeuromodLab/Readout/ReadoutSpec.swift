import Foundation
import Neuromod
import NeuromodTasks

/// A readout study (seed 003, §3.2): a fixed random hidden layer (Kaiming uniform, ReLU) whose
/// output is cached once per run, and a softmax readout trained by each method's rule (presets
/// ``PlasticityRule/dopaminergic(reading:outputFiring:lossThreshold:rate:firingThreshold:)`` and
/// ``PlasticityRule/readoutGradient(_:)``).
/// A spec is a readout study when it has a top-level `readout:` section.
///
/// ```yaml
/// data: {folder: $DATA/mnist}
/// readout: {hidden: 1000, epochs: 5}
/// methods:
///   - {name: DNN, rule: dopaminergic, reading: graded, output_firing: winner, rate: 1, batch: 1}
///   - {name: SignSGD, rule: sign-sgd, rate: 1.0e-4, batch: 50}
///   - {name: SGD (Adam), rule: adam, rate: 1.0e-3, batch: 50}
/// ```
public struct ReadoutSpec: Sendable, SectionSpec {
    public var file: String
    public var name: String
    public var description: String
    public var seed: UInt64
    public var runs: Int
    public var output: String
    public var random: RandomAlgorithm
    public var data: ImageDataSpec
    /// Size of the fixed hidden layer.
    public var hidden: Int
    public var epochs: Int
    public var methods: [ReadoutMethod]

    public static let section = "readout"

    public static func parse(_ text: String, file: String, resolveData: (String) -> String) throws -> ReadoutSpec {
        let root = try SpecNode.parse(text, file: file)
        let f = try root.fields(allowed: StudyHeader.keys + ["data", "readout", "methods"])
        let header = try StudyHeader(f, file: file)
        let readoutNode = try f.required("readout", file: file)
        let readout = try readoutNode.fields(allowed: ["hidden", "epochs"])
        let methodsNode = try f.required("methods", file: file)
        let methods = try methodsNode.elements().map(ReadoutMethod.parse)
        guard !methods.isEmpty else { throw methodsNode.error("at least one method is required") }
        try methodsNode.requireUniqueNames(methods.map(\.name))
        let spec = ReadoutSpec(
            file: file, name: header.name, description: header.description, seed: header.seed, runs: header.runs,
            output: header.output, random: header.random,
            data: try ImageDataSpec.parse(f.required("data", file: file), resolveData: resolveData),
            hidden: try readout.required("hidden", file: file, in: readoutNode).positiveInt(),
            epochs: try readout.required("epochs", file: file, in: readoutNode).positiveInt(), methods: methods)
        // Every size multiplied out against --memory-limit before anything is allocated.
        try spec.memoryEstimate().check(file: file)
        return spec
    }
}

/// One readout learning method: its rule and minibatch size.
public struct ReadoutMethod: Sendable, Equatable {
    public var name: String
    public var rule: PlasticityRule
    public var batch: Int

    static func parse(_ node: SpecNode) throws -> ReadoutMethod {
        let rules = ["dopaminergic", "sign-sgd", "adam"]
        let common = ["name", "rule", "rate", "batch"]
        let all = try node.fields(allowed: common + ["reading", "output_firing", "loss_threshold", "firing_threshold"])
        guard let ruleNode = all["rule"] else { throw node.error("required field 'rule' is missing (\(rules.joined(separator: ", ")))") }
        let ruleName = try ruleNode.choice(rules)
        let f = try node.fields(allowed: ruleName == "dopaminergic" ? Array(all.keys) : common)
        guard let rateNode = f["rate"] else { throw node.error("required field 'rate' is missing") }
        let rate = try rateNode.positiveDouble()
        let rule: PlasticityRule
        switch ruleName {
        case "dopaminergic":
            rule = .dopaminergic(
                reading: DopaminergicReading(rawValue: try f["reading"]?.choice(DopaminergicReading.allCases.map(\.rawValue)) ?? "graded")!,
                outputFiring: OutputFiring(rawValue: try f["output_firing"]?.choice(OutputFiring.allCases.map(\.rawValue)) ?? "winner")!,
                lossThreshold: try f["loss_threshold"]?.double() ?? 0.75, rate: rate,
                firingThreshold: try f["firing_threshold"]?.double() ?? 0)
        case "sign-sgd": rule = .readoutGradient(.signSGD(rate: rate))
        default: rule = .readoutGradient(.adam(AdamSettings(rate: rate)))
        }
        return ReadoutMethod(name: try f["name"]?.string() ?? ruleName, rule: rule, batch: try f["batch"]?.positiveInt() ?? 1)
    }
}
