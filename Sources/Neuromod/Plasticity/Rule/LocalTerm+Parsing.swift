/// Why a local term's text could not be read: one line saying where and what is allowed.
public struct LocalTermError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}

extension LocalTerm {
    /// Reads the text form (see ``LocalTerm``), e.g. `"pre_clean * post_deriv_clean * post_noise / sigma^2"`.
    /// - Throws: ``LocalTermError`` for an unknown factor (naming the allowed ones), a division by
    ///   anything but a number or σ, or malformed text.
    public init(parsing text: String) throws {
        var parser = TermParser(text: text)
        self.init(try parser.term())
    }
}

/// A recursive-descent reader of the grammar in ``LocalTerm``; it never recurses on nesting, so
/// any input ends in one pass.
private struct TermParser {
    let text: String
    let characters: [Character]
    var position = 0

    init(text: String) {
        self.text = text
        characters = Array(text)
    }

    mutating func term() throws -> [LocalTerm.Product] {
        skipSpaces()
        guard position < characters.count else { throw fail("the term is empty") }
        var products: [LocalTerm.Product] = []
        var sign = 1.0
        if peek == "-" { sign = -1; position += 1 } else if peek == "+" { position += 1 }
        while true {
            var p = try product()
            p.coefficient *= sign
            products.append(p)
            skipSpaces()
            guard let c = peek else { break }
            guard c == "+" || c == "-" else { throw fail("expected '+', '-', '*' or '/' at '\(rest)'") }
            sign = c == "-" ? -1 : 1
            position += 1
        }
        return products
    }

    private mutating func product() throws -> LocalTerm.Product {
        var p = LocalTerm.Product(factors: [])
        var dividing = false
        while true {
            skipSpaces()
            try factor(into: &p, dividing: dividing)
            skipSpaces()
            if peek == "*" { dividing = false } else if peek == "/" { dividing = true } else { return p }
            position += 1
        }
    }

    private mutating func factor(into p: inout LocalTerm.Product, dividing: Bool) throws {
        guard let c = peek else { throw fail("a factor is missing at the end") }
        if c.isNumber || c == "." {
            let start = position
            while let d = peek, d.isNumber || d == "." || d == "e" || d == "E"
                    || ((d == "-" || d == "+") && (characters[position - 1] == "e" || characters[position - 1] == "E")) {
                position += 1
            }
            let literal = String(characters[start..<position])
            guard let value = Double(literal), value.isFinite else { throw fail("'\(literal)' is not a number") }
            if dividing {
                guard value != 0 else { throw fail("division by zero") }
                p.coefficient /= value
            } else {
                p.coefficient *= value
            }
            return
        }
        let word = identifier()
        guard !word.isEmpty else { throw fail("expected a factor at '\(rest)'") }
        if word == "sigma" {
            var power = 1
            skipSpaces()
            if peek == "^" {
                position += 1
                skipSpaces()
                let digits = identifier()
                guard let n = Int(digits), n >= 1, n <= 8 else { throw fail("sigma^ needs a whole power from 1 to 8, got '\(digits)'") }
                power = n
            }
            p.sigmaPower += dividing ? power : -power
            return
        }
        if let signal = LocalTerm.InstanceSignal(rawValue: word) { p.factors.append(.instance(signal, divides: dividing)); return }
        guard !dividing else { throw fail("only numbers, sigma and instance factors may divide; '\(word)' cannot") }
        if word == "n_post" { p.factors.append(.postCount); return }
        if word == "abs" {
            skipSpaces()
            guard peek == "(" else { throw fail("abs needs parentheses: abs(post)") }
            position += 1
            skipSpaces()
            let inner = identifier()
            skipSpaces()
            guard peek == ")" else { throw fail("abs(…) takes one factor name") }
            position += 1
            switch try neuronFactor(inner) {
            case .pre(var f)?: f.absolute = true; p.factors.append(.pre(f))
            case .post(var f)?: f.absolute = true; p.factors.append(.post(f))
            default: throw fail("abs(…) applies to a neuron's signal, not '\(inner)'")
            }
            return
        }
        if word == "eps" { p.factors.append(.synapticNoise); return }
        skipSpaces()
        if peek == "[" {
            let usage = "a table lookup reads \(word)[pre_history][post_history] or \(word)[pre_history][post_role]"
            var column = LocalTerm.TableColumn.postHistory
            for slot in 0..<2 {
                guard peek == "[" else { throw fail(usage) }
                position += 1
                skipSpaces()
                let index = identifier()
                skipSpaces()
                guard peek == "]" else { throw fail(usage) }
                if slot == 0 {
                    guard index == "pre_history" else { throw fail(usage) }
                } else {
                    guard let c = LocalTerm.TableColumn(rawValue: index) else { throw fail(usage) }
                    column = c
                }
                position += 1
            }
            p.factors.append(.table(word, column))
            return
        }
        guard let f = try neuronFactor(word) else { throw fail("unknown factor '\(word)'") }
        p.factors.append(f)
    }

    /// `pre…`/`post…` names; nil for any other word.
    private func neuronFactor(_ word: String) throws -> LocalTerm.Factor? {
        for (side, make) in [("post", LocalTerm.Factor.post), ("pre", LocalTerm.Factor.pre)] where word.hasPrefix(side) {
            let suffix = String(word.dropFirst(side.count))
            guard let signal = LocalTerm.Signal(rawValue: suffix) else { return nil }
            if side == "pre" && signal == .error { throw fail("'pre_error' does not exist: only the postsynaptic neuron of an output projection has an error") }
            return make(LocalTerm.NeuronFactor(signal))
        }
        return nil
    }

    private mutating func identifier() -> String {
        let start = position
        while let c = peek, c.isLetter || c.isNumber || c == "_" { position += 1 }
        return String(characters[start..<position])
    }

    private var peek: Character? { position < characters.count ? characters[position] : nil }
    private var rest: String { String(characters[position...].prefix(20)) }

    private mutating func skipSpaces() { while let c = peek, c == " " || c == "\t" { position += 1 } }

    private func fail(_ why: String) -> LocalTermError {
        LocalTermError(message: "local term '\(text)': \(why); factors: \(LocalTerm.vocabulary.joined(separator: ", ")), numbers, abs(…)")
    }
}
