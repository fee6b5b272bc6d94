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
public struct ReadoutSpec: StudySpec {
    public var header: StudyHeader
    public var data: ImageDataSpec
    /// Size of the fixed hidden layer.
    public var hidden: Int
    public var epochs: Int
    public var methods: [ReadoutMethod]

    /// Reads a readout study's own fields (`data`, `readout`, `methods`).
    public static func parse(_ f: [String: SpecNode], header: StudyHeader, resolveData: (String) -> String) throws -> ReadoutSpec {
        let file = header.file
        let readoutNode = try f.required("readout", file: file)
        let readout = try readoutNode.fields(allowed: Self.kind.keys("readout"))
        let methodsNode = try f.required("methods", file: file)
        let methods = try methodsNode.elements().map(ReadoutMethod.parse)
        guard !methods.isEmpty else { throw methodsNode.error("at least one method is required") }
        try methodsNode.requireUniqueNames(methods.map(\.name))
        return ReadoutSpec(
            header: header, data: try ImageDataSpec.parse(f.required("data", file: file), resolveData: resolveData),
            hidden: try readout.required("hidden", file: file, in: readoutNode).positiveInt(),
            epochs: try readout.required("epochs", file: file, in: readoutNode).positiveInt(), methods: methods)
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
        let all = try node.fields(allowed: ReadoutSpec.kind.keys("methods"))
        let ruleNode = try all.required("rule", in: node, "(\(rules.joined(separator: ", ")))")
        let ruleName = try ruleNode.choice(rules)
        let f = try node.fields(allowed: ruleName == "dopaminergic" ? Array(all.keys) : common)
        let rateNode = try f.required("rate", in: node)
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
