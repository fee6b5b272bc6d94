/// The parts of a ``PlasticityRule`` that seed 002's table rules consist of, checked and read off
/// the rule: a table term per projection, the gate, the update form and η.
///
///     recurrent (into the hidden units):  φ_ij = c · r[s_i][s_j]       `r[pre_history][post_history]`
///     output (into the readout):          φ_ci = c · r_o[s_i][role_c]  `ro[pre_history][post_role]`
///     w ← w + η φ  |  w (1 + η φ)  |  w · φ        (update additive | multiplicative | factor)
///
/// applied only when the gate lets the example through (M = 1 if misclassified, else 0; or
/// always). Anything else a rule may declare — a probe, a trace, a reward-based modulator, other
/// factors — has no meaning on these networks and is refused in one line, as the feedforward
/// ``PlasticityEngine`` does.
public struct TableRuleParts: Sendable, Equatable {
    /// c · r, 2^T × 2^T (nil: the recurrent weights do not learn).
    public var recurrent: [[Double]]?
    /// c · r_o, 2^T × 2 for a k-cap readout (or 2^T × 2^T for a single neuron's post history).
    public var output: [[Double]]?
    public var gate: Modulation.Gate
    public var update: UpdateForm
    /// η of the SGD optimizer.
    public var rate: Double

    /// Reads the parts of `rule` for a network of `rounds` rounds whose output term is indexed by
    /// `outputColumn` (k-cap readout: `post_role`; a single neuron: `post_history`).
    /// - Throws: ``NetworkError/unsupported(_:)``, one line naming the rule and the part.
    public static func resolve(_ rule: PlasticityRule, rounds: Int, outputColumn: LocalTerm.TableColumn) throws -> TableRuleParts {
        func refuse(_ why: String) -> NetworkError { .unsupported("rule '\(rule.name)': \(why) (seed 002's table rules)") }
        guard rule.probe == .none else { throw refuse("probe must be none: the rule reads firing histories, not noise") }
        guard rule.trace == .immediate else { throw refuse("trace must be immediate: each example updates at once") }
        guard case .sgd(let rate) = rule.optimizer else { throw refuse("optimizer must be sgd (η scales the table's entries)") }
        guard rate > 0, rate.isFinite else { throw refuse("the learning rate must be a positive number, got \(rate)") }
        let m = rule.modulator
        guard m.source == .constant, m.baseline == .none, m.normalization == .none, m.dopamine == DopamineKinetics() else {
            throw refuse("the modulator must be the gate alone (source: constant, baseline: none)")
        }
        let states = 1 << rounds
        let recurrent = try rule.term(intoOutput: false, activation: .relu).map {
            try table(of: $0, column: .postHistory, rows: states, cols: states, site: "the recurrent projection", rule: rule, refuse: refuse)
        }
        let columns = outputColumn == .postRole ? 2 : states
        let output = try rule.term(intoOutput: true, activation: .softmax).map {
            try table(of: $0, column: outputColumn, rows: states, cols: columns, site: "the output projection", rule: rule, refuse: refuse)
        }
        guard recurrent != nil || output != nil else { throw refuse("no local term applies to the recurrent or the output projection") }
        return TableRuleParts(recurrent: recurrent, output: output, gate: m.gate, update: rule.update, rate: rate)
    }

    /// c · table for a term that is exactly `c * NAME[pre_history][column]`, with the table's shape checked.
    private static func table(of term: LocalTerm, column: LocalTerm.TableColumn, rows: Int, cols: Int, site: String,
                              rule: PlasticityRule, refuse: (String) -> NetworkError) throws -> [[Double]] {
        let expected = "c * NAME[pre_history][\(column.rawValue)]"
        guard term.products.count == 1, let product = term.products.first, product.sigmaPower == 0, product.factors.count == 1,
              case .table(let name, let found) = product.factors[0] else {
            throw refuse("\(site): the term '\(term)' cannot run on this network; allowed: \(expected)")
        }
        guard found == column else { throw refuse("\(site): '\(term)' is indexed by \(found.rawValue); expected \(expected)") }
        guard let table = rule.tables[name] else {
            throw refuse("\(site): unknown table '\(name)'; the rule declares \(rule.tables.keys.sorted().map { "'\($0)'" }.joined(separator: ", "))")
        }
        guard table.entries.count == rows, table.entries.allSatisfy({ $0.count == cols }) else {
            throw refuse("\(site): table '\(name)' is \(table.entries.count) × \(table.entries.first?.count ?? 0); expected \(rows) × \(cols)")
        }
        guard table.entries.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { throw refuse("table '\(name)': entries must be finite") }
        return product.coefficient == 1 ? table.entries : table.entries.map { $0.map { product.coefficient * $0 } }
    }

    /// Whether a table leaves every weight as it is under the update form (all zero for additive
    /// and multiplicative, all one for factor): the loop over the edges can be skipped.
    public func isIdentity(_ table: [[Double]]) -> Bool {
        table.allSatisfy { $0.allSatisfy { update == .factor ? $0 == 1 : $0 == 0 } }
    }
}
