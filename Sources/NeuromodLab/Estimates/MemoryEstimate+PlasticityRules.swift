import Neuromod
import NeuromodTasks

/// The sizes of one dataset of a plasticity-rules study, read from its files' headers or its spec.
struct KCapDataShape {
    var width: Int, train: Int, test: Int
    /// Peak bytes while loading (images: inflating and parsing the files).
    var loadingBytes: Int

    init(_ dataset: KCapDataset) {
        switch dataset.source {
        case .images(let folder, let train):
            let shape = ImageDataShape(ImageDataSpec(source: .idx(folder: folder), classes: Array(0...9), trainPerClass: nil,
                                                     testLimit: nil, scaling: .unit))
            width = shape.width
            self.train = min(train ?? shape.trainKept, shape.trainKept)
            test = shape.test
            // ImageDataShape counts every training image as Double inputs; only `train` of them are.
            loadingBytes = max(0, shape.loadingBytes - MemoryLimit.product(shape.trainKept - self.train, shape.width, Bytes.double))
        case .teacher(let teacher, _, let dimension, let train, let test, let hidden):
            width = dimension
            self.train = train
            self.test = test
            loadingBytes = teacher == .relu ? MemoryLimit.product(hidden, MemoryLimit.sum([dimension, 2, 2 * max(train, test)]), Bytes.double) : 0
        }
    }
}

extension PlasticityRulesSpec {
    /// Peak memory of `neuromod run` with `jobs` (dataset, run, method) jobs at once (see ``MemoryEstimate``).
    ///
    /// Running holds every dataset's inputs, and per job: the network (W and G's edges n², A n × d),
    /// the training set's drives A x (train × n), the baselines' cached features and Adam moments,
    /// and the 2 000-row evaluation blocks (T + 2 matrices of n).
    public func memoryEstimate(jobs: Int = 1) -> MemoryEstimate {
        var estimate = MemoryEstimate()
        let shapes = datasets.map(KCapDataShape.init)
        // Datasets load one after the other: the largest load beside the inputs of the others.
        let inputs = shapes.map { MemoryLimit.product(MemoryLimit.sum([$0.train, $0.test]), $0.width, Bytes.double) }
        if let largest = shapes.indices.max(by: { shapes[$0].loadingBytes < shapes[$1].loadingBytes }) {
            estimate.add("kcap.datasets[\(largest)]", datasets[largest].name, "loading the data", shapes[largest].loadingBytes, .loading)
            estimate.add("kcap.datasets", datasets.count, "the other datasets' inputs while loading",
                         MemoryLimit.sum(inputs.indices.filter { $0 != largest }.map { inputs[$0] }), .loading)
        }
        for (d, bytes) in inputs.enumerated() { estimate.add("kcap.datasets[\(d)]", datasets[d].name, "the inputs", bytes) }
        let widest = shapes.map(\.width).max() ?? 1, longest = shapes.map(\.train).max() ?? 1
        let rounds = methods.map(\.rounds).max() ?? 1
        let full = methods.contains { if case .gradient(.full, _, _) = $0.learning { return true } else { return false } }
        let concurrent = min(jobs, datasets.count * runs * methods.count)
        let perJob = MemoryLimit.sum([
            MemoryLimit.product(nodes, nodes, full ? 3 * Bytes.double + 1 : Bytes.double + 1),
            MemoryLimit.product(nodes, widest, Bytes.double),
            MemoryLimit.product(2, longest, nodes, Bytes.double),
            MemoryLimit.product(2000 + 1000, rounds + 2, nodes, Bytes.double),
            attackBytes(width: widest, rounds: rounds),
        ])
        estimate.add("kcap.nodes", nodes, "the networks, drives and evaluation blocks of the jobs at once", MemoryLimit.product(concurrent, perJob))
        if let r = robustness, !r.sources.isEmpty {
            // Transfer attacks keep every trained network (W, G's edges, A, U) until the second pass.
            let network = MemoryLimit.sum([MemoryLimit.product(nodes, nodes, Bytes.double + 1), MemoryLimit.product(nodes, widest + 10, Bytes.double)])
            estimate.add("kcap.robustness.attacks", r.attacks.count, "the trained networks kept for the transfer attacks",
                         MemoryLimit.product(datasets.count * runs * trainedMethods.count, network))
        }
        return estimate
    }
}

extension PlasticityRulesSpec {
    /// An attack's batch (`kcap.robustness`): images × 9 pairs, their origins, iterates, gathered
    /// rows and input gradients (4 × width) and the rounds' drives, activities and δ ((T + 4) × n);
    /// with SPSA, one block of ``SPSAGradient/blockRows`` probes (their inputs and signs, 2 × width,
    /// and the rounds' drives and activities, (T + 2) × n).
    func attackBytes(width: Int, rounds: Int) -> Int {
        guard let r = robustness else { return 0 }
        let spsa = r.attacks.contains { if case .spsa = $0.attack.estimator { true } else { false } }
        return MemoryLimit.sum([MemoryLimit.product(r.images, 9, MemoryLimit.sum([4 * width, (rounds + 4) * nodes]), Bytes.double),
                                spsa ? MemoryLimit.product(SPSAGradient.blockRows, MemoryLimit.sum([2 * width, (rounds + 2) * nodes]), Bytes.double) : 0])
    }

    /// Seconds of one trained network's attacks at 0.1 ns a MAC, as if no pair stopped early: per
    /// ε > 0, images × 9 pairs × (steps + 1) forward and backward passes (A x and its transpose, 2 · W
    /// per later round); SPSA: 2S + 1 forward passes instead; transfer: one more forward pass
    /// (the attacked net's check; the source is priced at the attacked net's T).
    func attackSeconds(width: Int, rounds: Int) -> Double {
        guard let r = robustness else { return 0 }
        let n = Double(nodes), forward = Double(width) * n + Double(rounds - 1) * n * n, pass = 2 * (Double(width) * n + Double(rounds - 1) * 2 * n * n)
        let radii = Double(r.epsilons.filter { $0 > 0 }.count)
        return r.attacks.reduce(0) { total, a in
            var cost = a.source == nil ? pass : pass + forward
            if case .spsa(let spsa) = a.attack.estimator { cost = Double(2 * spsa.samples + 1) * forward }
            return total + radii * Double(r.images * 9 * (a.attack.steps + 1)) * cost * 0.1e-9
        }
    }
}

extension TimeEstimate {
    /// Per job: the drives (a GEMM, 0.1 ns a MAC), per example and epoch ~10 ns a unit and round plus
    /// 2 ns a readout entry (rules) or 0.3 ns a MAC of the rounds' GEMMs (baselines), a test-set
    /// evaluation per epoch, and the attacks (``PlasticityRulesSpec/attackSeconds(width:rounds:)``).
    init(_ spec: PlasticityRulesSpec, jobs: Int) {
        let n = Double(spec.nodes), k = Double(spec.cap)
        var seconds = 0.0
        for shape in spec.datasets.map(KCapDataShape.init) {
            for method in spec.methods {
                let t = Double(method.rounds), examples = Double(shape.train), epochs = Double(spec.epochs)
                let drives = Double(shape.train + shape.test) * Double(shape.width) * n * 0.1e-9
                let evaluation = epochs * Double(shape.test) * ((t - 1) * n * n * 0.1e-9 + t * n * 10e-9)
                var perExample = t * n * 10e-9 + (t - 1) * k * n * 1e-9 + 20 * n * 2e-9
                if case .gradient(.full, _, _) = method.learning { perExample = 3 * t * n * n * 0.3e-9 }
                seconds += Double(spec.runs) * (drives + evaluation + epochs * examples * perExample + spec.attackSeconds(width: shape.width, rounds: method.rounds))
            }
        }
        seconds += Self.metaLearning(spec)
        self.init(seconds: seconds / Double(max(1, min(jobs, spec.datasets.count * spec.runs * spec.methods.count))))
    }

    /// The `meta-learned` methods' rules, learned once per method: per example and epoch the
    /// rule training above plus, at T > 1, the binning of ∂L/∂W by history pair (~2 ns an edge).
    private static func metaLearning(_ spec: PlasticityRulesSpec) -> Double {
        let shapes = Dictionary(uniqueKeysWithValues: zip(spec.datasets.map(\.name), spec.datasets.map(KCapDataShape.init)))
        return spec.methods.reduce(0) { total, method in
            guard let meta = method.meta else { return total }
            let n = Double(meta.nodes ?? spec.nodes), k = Double(meta.cap ?? spec.cap), t = Double(method.rounds)
            let examples = Double(min(meta.train ?? Int.max, shapes[meta.source]?.train ?? 0))
            let perExample = t * n * 10e-9 + (t - 1) * (k * n * 1e-9 + 3 * n * n * 2e-9) + 20 * n * 2e-9
            return total + Double(meta.epochs) * examples * perExample
        }
    }
}
