import NeuromodTasks

/// Which random stream serves which purpose, so that no two uses share a stream and every number
/// is a function of (spec, seed) alone.
///
/// Stream index = purpose · 2⁴⁰ + run · 2²⁰ + instance. Purposes: 1 = data tasks (reserved by
/// `TaskRandomStreams`), 2 = weight initialization, 3 = minibatch order, 4 = intrinsic (hardware)
/// noise of each instance, 5 = a learning rule's probe noise of each instance, 6 = environment
/// resets, 7 = action sampling, 8 = genotypes (one stream per genotype slot of an evolving population),
/// 9 = a plasticity-rules study's datasets (image subsets and teachers; one stream per dataset),
/// 10 = a `meta-learned` method's meta-learning (network, orders, starting rule, tie ranks),
/// 11 = the test images a plasticity-rules study attacks (one stream per run and dataset),
/// 12 = an SPSA attack's directions (one stream per run and (dataset, attack, ε) of the spec).
/// Run r of every method starts from the same initial weights (a paired comparison).
enum StreamPlan {
    static func initialization(run: Int) -> UInt64 { (2 << 40) + UInt64(run) << 20 }
    static func dataOrder(run: Int) -> UInt64 { (3 << 40) + UInt64(run) << 20 }
    static func instanceNoise(run: Int) -> UInt64 { (4 << 40) + UInt64(run) << 20 }
    static func probe(run: Int) -> UInt64 { (5 << 40) + UInt64(run) << 20 }
    static func environment(run: Int) -> UInt64 { (6 << 40) + UInt64(run) << 20 }
    static func actions(run: Int) -> UInt64 { (7 << 40) + UInt64(run) << 20 }
    static func genotypes(run: Int) -> UInt64 { (8 << 40) + UInt64(run) << 20 }
    static func dataset(_ d: Int) -> UInt64 { (9 << 40) + UInt64(d) << 20 }
    /// A `meta-learned` method's network, orders, starting rule and tie ranks (+0 … +3); a rule
    /// is learned once for all runs.
    static let metaLearning: UInt64 = 10 << 40
    static func attackedImages(run: Int) -> UInt64 { (11 << 40) + UInt64(run) << 20 }
    /// + (dataset · attacks + attack) · radii + radius: the same for every method (a paired comparison).
    static func attackDirections(run: Int) -> UInt64 { (12 << 40) + UInt64(run) << 20 }
}
