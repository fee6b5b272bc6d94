/// The allele distribution p ∈ [0, 1]ⁿ of neural net evolution (seed 003, §2): gene i carries
/// allele 1 with probability p(i), independently of the other genes.
public struct AlleleFrequencies: Sendable, Equatable {
    public var p: [Double]

    public init(_ p: [Double]) {
        precondition(p.allSatisfy { $0 >= 0 && $0 <= 1 }, "allele frequencies must lie in [0, 1]")
        self.p = p
    }

    /// The seed's first generation: every p(i) uniform in [0, 1].
    public static func uniform(genes: Int, rng: RandomGenerator) -> AlleleFrequencies {
        AlleleFrequencies((0..<genes).map { _ in rng.uniform() })
    }

    public var genes: Int { p.count }

    /// A genotype x ∈ {0, 1}ⁿ with x(i) = 1 when a uniform draw from `rng` falls below p(i).
    public func sample(rng: RandomGenerator) -> [UInt8] {
        p.map { rng.uniform() < $0 ? 1 : 0 }
    }

    /// The genotype that holds the more frequent allele of every gene (1 where p(i) > 1/2).
    public var consensus: [UInt8] { p.map { $0 > 0.5 ? 1 : 0 } }

    /// The mean fitness of the genotypes that carry allele 1 (f) and allele 0 (f̄) of each gene:
    /// f(i) = Σ_x δ_x x(i) / Σ_x x(i), f̄(i) = Σ_x δ_x (1 − x(i)) / Σ_x (1 − x(i)).
    /// A mean over no genotype is `nil` (the population did not test that allele).
    public static func alleleFitness(genotypes: [[UInt8]], fitness: [Double]) -> (present: [Double?], absent: [Double?]) {
        precondition(genotypes.count == fitness.count && !genotypes.isEmpty, "one fitness per genotype")
        let genes = genotypes[0].count
        var sum = [Double](repeating: 0, count: genes), carriers = [Int](repeating: 0, count: genes)
        for (x, delta) in zip(genotypes, fitness) {
            precondition(x.count == genes, "genotypes must have equal length")
            for i in 0..<genes where x[i] != 0 {
                sum[i] += delta
                carriers[i] += 1
            }
        }
        let total = fitness.reduce(0, +), population = genotypes.count
        let present = (0..<genes).map { carriers[$0] == 0 ? nil : sum[$0] / Double(carriers[$0]) }
        let absent = (0..<genes).map { i -> Double? in
            carriers[i] == population ? nil : (total - sum[i]) / Double(population - carriers[i])
        }
        return (present, absent)
    }

    /// One generation of weak selection (seed 003, eq. 3):
    /// p(i) ← p(i)(1 + ε f(i)) / (1 + ε f̄(i) + ε p(i)(f(i) − f̄(i))).
    ///
    /// A gene whose two alleles were not both tested keeps its frequency. Fitness must keep
    /// 1 + ε·f positive (the seed's δ_x ≥ 0 always does).
    public mutating func weakSelection(genotypes: [[UInt8]], fitness: [Double], selection epsilon: Double) {
        precondition(genotypes.allSatisfy { $0.count == genes }, "genotypes must have \(genes) genes")
        let (present, absent) = Self.alleleFitness(genotypes: genotypes, fitness: fitness)
        for i in 0..<genes {
            guard let f = present[i], let fBar = absent[i] else { continue }
            let carried = p[i] * (1 + epsilon * f), lost = (1 - p[i]) * (1 + epsilon * fBar)
            precondition(carried >= 0 && lost >= 0, "weak selection needs 1 + ε·fitness ≥ 0")
            p[i] = carried / (carried + lost)
        }
    }
}
