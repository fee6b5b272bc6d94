import Foundation
import Neuromod
import Testing
import XCTest
@testable import NeuromodLab

/// `training.precision` in task specs (docs/precision.md): parsed with float64 the default, and every
/// spec outside the float32 scope refused in one line naming the file and the field. (The runs are
/// in `Float32StudyRunTests`.)
@Suite struct Float32StudyTests {
    static let valid = SpecValidationTests.valid

    /// The one-line error of parsing `text` as spec.yaml (`SpecValidationTests`'s helper).
    func error(_ text: String) -> String { SpecValidationTests().error(text) }

    static func float32(_ text: String) -> String {
        text.replacingOccurrences(of: "training: {batch_size: 16, epochs: 2}", with: "training: {batch_size: 16, epochs: 2, precision: float32}")
    }

    @Test func precisionParsesWithFloat64TheDefault() throws {
        #expect(try ExperimentSpec.parse(Self.valid, file: "spec.yaml").training.precision == .float64)
        #expect(try ExperimentSpec.parse(Self.float32(Self.valid), file: "spec.yaml").training.precision == .float32)
    }

    @Test func specsOutsideTheScopeAreRefusedInOneLine() {
        #expect(error(Self.valid.replacingOccurrences(of: "epochs: 2}", with: "epochs: 2, precision: float16}"))
                == "spec.yaml:11: training.precision: unknown value 'float16' (did you mean 'float64'?); expected one of: float64, float32")
        let cases: [(String, String, String)] = [
            ("{size: 4, activation: sigmoid}", "{size: 4, activation: sigmoid, leak_steps: 2}",
             "method 'BP': precision float32 needs populations without leak (leak_steps)"),
            ("{size: 4, activation: sigmoid}", "{size: 4, activation: sigmoid, noise: 0.1}",
             "method 'BP': precision float32 needs populations without intrinsic noise"),
            ("{size: 4, activation: sigmoid}", "{size: 4, activation: sigmoid, connection_probability: 0.5}",
             "method 'BP': precision float32 needs dense projections (connection_probability 1)"),
            ("{name: BP, rule: backprop, learning_rate: 0.5}", "{name: S, rule: spsa, learning_rate: 0.5, sigma: 0.1}",
             "method 'S': precision float32 does not run antithetic probes"),
        ]
        for (from, to, why) in cases {
            let message = error(Self.float32(Self.valid).replacingOccurrences(of: from, with: to))
            #expect(message == "spec.yaml:11: training.precision: \(why) (docs/precision.md)", "\(to)")
        }
    }
}

/// Float32 studies run (XCTest: its tests run one at a time, apart from the Swift Testing suites,
/// so the process-wide OpenBLAS thread count and provenance these tests set are not changed under
/// them): deterministic whatever the jobs and noise threads, recorded in summary.json and
/// provenance, and refused with more than one OpenBLAS thread.
final class Float32StudyRunTests: XCTestCase {
    private var blasThreads = 1

    override func setUp() {
        super.setUp()
        blasThreads = BLASThreads.current
        BLASThreads.set(1)
    }

    override func tearDown() {
        BLASThreads.set(blasThreads)
        super.tearDown()
    }

    static func sinusoid(_ precision: Precision) throws -> ExperimentSpec {
        var spec = try RunnerTests.model("Models/thesis/sinusoid.yaml")
        spec.runs = 2
        spec.training.epochs = 2
        spec.training.precision = precision
        return spec
    }

    /// Every method of the sinusoid model in float32: the same files with 1 and 2 jobs (WP's probe
    /// drawn on 2 noise threads), and different from float64's (the comparison is not vacuous).
    func testFloat32StudyIsTheSameWhateverTheJobs() throws {
        let spec = try Self.sinusoid(.float32)
        let single = try RunnerTests.deterministicFiles(Runner(spec: spec).run(jobs: 1))
        let double = try RunnerTests.deterministicFiles(Runner(spec: spec).run(jobs: 2))
        XCTAssertEqual(single, double)
        XCTAssertGreaterThan(single[0].count, 1000)
        let reference = try RunnerTests.deterministicFiles(Runner(spec: Self.sinusoid(.float64)).run(jobs: 2))
        XCTAssertNotEqual(reference[0], single[0])
    }

    func testSummaryAndProvenanceRecordThePrecision() throws {
        var spec = try Self.sinusoid(.float32)
        spec.runs = 1
        spec.training.epochs = 1
        let summary = String(decoding: try JSONEncoder().encode(spec.run(jobs: 1) { _ in }.summary), as: UTF8.self)
        XCTAssertTrue(summary.contains("\"precision\":\"float32\""), summary)
        XCTAssertEqual(Provenance.current().run.precision, "float32")
        spec.training.precision = .float64
        let float64 = String(decoding: try JSONEncoder().encode(spec.run(jobs: 1) { _ in }.summary), as: UTF8.self)
        XCTAssertFalse(float64.contains("precision"), "float64 summaries are as before")
        XCTAssertEqual(Provenance.current().run.precision, "float64")
    }

    func testFloat32RefusesMoreThanOneBLASThread() throws {
        BLASThreads.set(2)
        try XCTSkipUnless(BLASThreads.current == 2, "OpenBLAS runs one thread here")
        var spec = try Self.sinusoid(.float32)
        spec.header.file = "s.yaml"
        XCTAssertThrowsError(try spec.run(jobs: 1) { _ in }) { error in
            XCTAssertEqual("\(error)", "s.yaml: training.precision: float32 runs its products on one OpenBLAS thread "
                           + "(sgemm's bits depend on the thread count): use --blas-threads 1, not 2")
        }
    }

    /// A float32 spec is checked in float32 against the float64 gradient: the same probe draws
    /// (rounded), so each statistic is the float64 one up to float rounding. Measured (K = 300): the
    /// cosines differ by at most 7.6e-9, the relative biases by 3.9e-8; bounds 10×. Each row says so.
    func testGradcheckOfAFloat32SpecRunsInFloat32() throws {
        func text(_ training: String) -> String {
            GradientCheckTests.specText.replacingOccurrences(of: "training: {batch_size: 16, epochs: 1}", with: "training: {\(training)}")
                .split(separator: "\n").filter { !$0.contains("name: SPSA") && !$0.contains("name: ES") }.joined(separator: "\n")
        }
        let options = GradientCheck.Options(samples: [300], sameSample: true)
        let f32 = try GradientCheck.measure(spec: try GradientCheckTests.spec(text("batch_size: 16, epochs: 1, precision: float32")), options: options)
        let f64 = try GradientCheck.measure(spec: try GradientCheckTests.spec(text("batch_size: 16, epochs: 1")), options: options)
        XCTAssertEqual(f32.rows.map(\.method), ["WP", "3F-WP", "3F-NP"])
        for (a, b) in zip(f32.rows, f64.rows) {
            XCTAssertTrue(a.note.contains("updates in float32, gradient in float64") && !b.note.contains("float32"), a.note)
            XCTAssertLessThan(abs(a.statistics.cosine - b.statistics.cosine), 7.6e-8, a.method)
            XCTAssertLessThan(abs(a.statistics.relativeBias - b.statistics.relativeBias), 3.9e-7, a.method)
            XCTAssertNotEqual(a.statistics, b.statistics, "\(a.method): float32 rounding must show")
        }
    }
}
