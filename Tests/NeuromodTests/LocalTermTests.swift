import Testing
@testable import Neuromod

/// The text form of a local term: what it reads, how it prints, and what it refuses.
@Suite struct LocalTermTests {
    @Test func nodePerturbationReadsAsThreeFactorsOverSigmaSquared() throws {
        let term = try LocalTerm(parsing: "pre_clean * post_deriv_clean * post_noise / sigma^2")
        #expect(term == LocalTerm([.init(sigmaPower: 2, factors: [
            .pre(.init(.cleanRate)), .post(.init(.cleanDerivative)), .post(.init(.noise))])]))
        #expect(term.needsCleanPass)
    }

    @Test func sumsSignsConstantsAndAbsoluteValues() throws {
        let term = try LocalTerm(parsing: "-2 * eps / sigma + 0.5 * pre * abs(post) / 4 - post_fired")
        #expect(term.products.count == 3)
        #expect(term.products[0] == .init(coefficient: -2, sigmaPower: 1, factors: [.synapticNoise]))
        #expect(term.products[1] == .init(coefficient: 0.125, factors: [.pre(.init(.rate)), .post(.init(.rate, absolute: true))]))
        #expect(term.products[2] == .init(coefficient: -1, factors: [.post(.init(.fired))]))
        #expect(!term.needsCleanPass)
    }

    @Test(arguments: ["pre_clean * post_deriv_clean * post_noise / sigma^2", "eps / sigma", "-2 * eps / sigma",
                      "pre * abs(post) * eps / sigma + 0.5 * post_drive_diff", "3 * sigma^2 * pre_fired - post_error"])
    func printedFormReadsBackToTheSameTerm(text: String) throws {
        let term = try LocalTerm(parsing: text)
        #expect(try LocalTerm(parsing: term.description) == term, "\(term.description)")
    }

    @Test func vocabularyNamesEveryFactorOnce() {
        let names = LocalTerm.vocabulary
        #expect(Set(names).count == names.count)
        #expect(names.contains("post_error") && !names.contains("pre_error"))
        #expect(names.contains("pre_drive_diff") && names.contains("eps") && names.contains("sigma"))
    }

    @Test(arguments: [
        ("post_nosie", "unknown factor 'post_nosie'"),
        ("eps / post", "only numbers, sigma and instance factors may divide; 'post' cannot"),
        ("", "the term is empty"),
        ("eps * ", "a factor is missing at the end"),
        ("eps / 0", "division by zero"),
        ("pre_error * eps", "'pre_error' does not exist"),
        ("abs(eps)", "abs(…) applies to a neuron's signal, not 'eps'"),
        ("sigma^9 * eps", "sigma^ needs a whole power from 1 to 8, got '9'"),
        ("pre post", "expected '+', '-', '*' or '/' at 'post'"),
    ])
    func badTermsAreRefusedWithTheReasonAndTheVocabulary(text: String, reason: String) {
        do {
            _ = try LocalTerm(parsing: text)
            Issue.record("'\(text)' was accepted")
        } catch let error as LocalTermError {
            #expect(error.message.hasPrefix("local term '\(text)': \(reason)"), "\(error.message)")
            #expect(error.message.contains("factors: pre, pre_clean,"))
            #expect(!error.message.contains("\n"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
