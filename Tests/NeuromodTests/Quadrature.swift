import CGSL
@testable import Neuromod

/// Adaptive Gauss–Kronrod quadrature of `f` over [a, b] with GSL's QAGS: an independent check of the
/// closed forms. Throws if GSL reports an error (its handler returns codes, see GSLRuntime).
final class Quadrature {
    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "gsl_integration_qags failed: \(String(cString: gsl_strerror(code)))" }
    }

    private final class Box {
        let f: (Double) -> Double
        init(_ f: @escaping (Double) -> Double) { self.f = f }
    }

    private let workspace: UnsafeMutablePointer<gsl_integration_workspace>
    private let limit = 1000

    init() {
        GSLRuntime.configure()
        workspace = gsl_integration_workspace_alloc(1000)
    }

    deinit { gsl_integration_workspace_free(workspace) }

    /// ∫_a^b f to relative tolerance 1e-13 or `absoluteTolerance`, whichever is reached first:
    /// (value, GSL's error estimate).
    func integrate(_ a: Double, _ b: Double, absoluteTolerance: Double = 1e-300,
                   _ f: @escaping (Double) -> Double) throws -> (value: Double, error: Double) {
        let box = Box(f)
        return try withExtendedLifetime(box) {
            var function = gsl_function(
                function: { x, params in Unmanaged<Box>.fromOpaque(params!).takeUnretainedValue().f(x) },
                params: Unmanaged.passUnretained(box).toOpaque())
            var result = 0.0, error = 0.0
            let code = gsl_integration_qags(&function, a, b, max(absoluteTolerance, 1e-300), 1e-13, limit, workspace, &result, &error)
            guard code == GSL_SUCCESS else { throw Failure(code: code) }
            return (result, error)
        }
    }
}
