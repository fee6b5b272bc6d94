import Foundation
import Neuromod
import NeuromodTasks

/// A plasticity-rules study (a `kcap:` section): seed 002's simple RNN trained by table rules or by
/// gradient descent, on MNIST-format images or synthetic teachers (docs/plasticity-rules.md).
///
/// ```yaml
/// kcap:
///   nodes: 1000
///   cap: 500
///   epochs: 2
///   datasets:
///     - {name: mnist, folder: $DATA/mnist, train: 10000}
///     - {name: halfspace, teacher: halfspace, distribution: normal}
/// methods:
///   - {name: T=1, rounds: 1, rule: perceptron}
///   - {name: T=1*, rounds: 1, rule: perceptron, input_weights: ones}
/// ```
public struct PlasticityRulesSpec: StudySpec {
    public var header: StudyHeader
    /// The network's sizes and readings shared by every method (rounds and A come from the method).
    public var nodes: Int
    public var cap: Int
    public var edgeProbability: Double
    public var epochs: Int
    public var recurrence: KCapNetwork.Recurrence
    public var fired: KCapNetwork.Fired
    public var ties: CapTies
    public var inputMask: KCapNetwork.InputMask
    public var datasets: [KCapDataset]
    public var methods: [KCapMethod]
    /// The attacks run on every trained network (`kcap.robustness`), if any.
    public var robustness: KCapRobustness? = nil

    /// Reads the study's own fields (`kcap`, `methods`).
    public static func parse(_ f: [String: SpecNode], header: StudyHeader, resolveData: (String) -> String) throws -> PlasticityRulesSpec {
        let file = header.file
        let node = try f.required("kcap", file: file)
        let k = try node.fields(allowed: Self.kind.keys("kcap"))
        func required(_ key: String) throws -> SpecNode { try k.required(key, file: file, in: node) }
        let nodes = try required("nodes").positiveInt()  // sizes are bounded by the memory estimate
        let capNode = try required("cap"), cap = try capNode.positiveInt()
        guard cap <= nodes else { throw capNode.error("the cap must be at most the nodes (\(nodes)), got \(cap)") }
        let p = try k["edge_probability"]?.double() ?? 0.5
        guard p >= 0 && p <= 1 else { throw k["edge_probability"]!.error("expected a probability in [0, 1], got \(p)") }
        let datasetsNode = try required("datasets")
        let datasets = try datasetsNode.elements().map { try KCapDataset.parse($0, resolveData: resolveData) }
        guard !datasets.isEmpty else { throw datasetsNode.error("at least one dataset is required") }
        try datasetsNode.requireUniqueNames(datasets.map(\.name))
        let methodsNode = try f.required("methods", file: file)
        let methods = try methodsNode.elements().map { try KCapMethod.parse($0, datasets: datasets.map(\.name)) }
        guard !methods.isEmpty else { throw methodsNode.error("at least one method is required") }
        try methodsNode.requireUniqueNames(methods.map(\.name))
        var robustness = try k["robustness"].map(KCapRobustness.parse)
        if var r = robustness {
            try KCapRobustness.resolveSources(&r, node: k["robustness"]!, methods: methods)
            robustness = r
        }
        if robustness != nil, let teacher = datasets.first(where: { if case .teacher = $0.source { return true } else { return false } }) {
            throw k["robustness"]!.error("attacks perturb pixels in [0, 1]: dataset '\(teacher.name)' is a synthetic teacher")
        }
        return PlasticityRulesSpec(
            header: header, nodes: nodes, cap: cap, edgeProbability: p, epochs: try required("epochs").positiveInt(),
            recurrence: try choice(k["recurrence"], default: .paper), fired: try choice(k["fired"], default: .nonzero),
            ties: try choice(k["ties"], default: .lowestIndex), inputMask: try choice(k["input_mask"], default: .masked),
            datasets: datasets, methods: methods, robustness: robustness)
    }

    /// The methods a run trains: every method, then the transfer attacks' sources that
    /// `--methods` left out (trained for the attacks only; their accuracies are not reported).
    var trainedMethods: [KCapMethod] {
        methods + (robustness?.sources ?? []).filter { s in !methods.contains { $0.name == s.name } }
    }

    /// The network of `method` on `data`.
    func configuration(_ method: KCapMethod, inputs: Int, classes: Int) -> KCapNetwork.Configuration {
        var c = KCapNetwork.Configuration(inputs: inputs, nodes: nodes, cap: cap, rounds: method.rounds, classes: classes)
        c.edgeProbability = edgeProbability
        c.inputWeights = method.inputWeights
        c.inputMask = inputMask
        c.recurrence = recurrence
        c.fired = fired
        c.ties = ties
        c.bias = method.initialWeight  // the code's graph bias: 0 additive, 1 multiplicative
        return c
    }
}

/// A value of a string enum read from `node` (nil: `default`).
func choice<T: RawRepresentable & CaseIterable>(_ node: SpecNode?, default value: T) throws -> T where T.RawValue == String {
    guard let node else { return value }
    return T(rawValue: try node.choice(T.allCases.map(\.rawValue)))!
}

/// One dataset of a plasticity-rules study: MNIST-format images or a seed 002 teacher.
public struct KCapDataset: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// The IDX files in `folder`: `train` random training images (nil: all), every test image.
        case images(folder: String, train: Int?)
        case teacher(Seed002Teacher, distribution: Seed002Teacher.Distribution, dimension: Int, train: Int, test: Int, width: Int)
    }

    public var name: String
    public var source: Source

    static let fields = SpecField("datasets", "required: one or more; each trains every method", [
        SpecField("name", "required: unique, shown in tables and files"),
        SpecField("folder", "MNIST-format IDX files (train and t10k images and labels); pixels / 255"),
        SpecField("teacher", "or a synthetic teacher (seed 002, A.2): `halfspace`, `relu`, `rnn`"),
        SpecField("train", "optional: training examples (images: a random subset of this size drawn by the seed, default all; teachers: default 10000)"),
        SpecField("test", "teacher, optional: test examples, default 10000"),
        SpecField("dimension", "teacher, optional: d, default 10"),
        SpecField("distribution", "teacher, optional: `normal` (text, the default) or `uniform` (the code's U[−1, 1])"),
        SpecField("width", "teacher relu, optional: hidden width, default 1000 (the code's README: 100)"),
    ], list: true)

    static func parse(_ node: SpecNode, resolveData: (String) -> String) throws -> KCapDataset {
        let all = try node.fields(allowed: fields.children.map(\.name))
        let name = try all.required("name", in: node).string()
        if let folderNode = all["folder"] {
            _ = try node.fields(allowed: ["name", "folder", "train"])
            let folder = resolveData(try folderNode.string())
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw folderNode.error("data folder not found: \(folder)")
            }
            return KCapDataset(name: name, source: .images(folder: folder, train: try all["train"]?.positiveInt()))
        }
        guard let teacherNode = all["teacher"] else { throw node.error("required field 'folder' (IDX images) or 'teacher' (halfspace, relu, rnn) is missing") }
        let teacher: Seed002Teacher = try choice(teacherNode, default: .halfspace)
        if teacher != .relu, let width = all["width"] { throw width.error("only the relu teacher has a width") }
        func size(_ key: String, _ value: Int) throws -> Int { try all[key]?.positiveInt() ?? value }
        return KCapDataset(name: name, source: .teacher(teacher, distribution: try choice(all["distribution"], default: .normal),
                                                        dimension: try size("dimension", 10), train: try size("train", 10_000),
                                                        test: try size("test", 10_000), width: try size("width", 1000)))
    }
}
