import CGSL

/// A GSL random-number algorithm, chosen by name in specs (`mt19937`, `taus2`, `ranlxd2`, `gfsr4`).
///
/// - `mt19937`: Mersenne Twister (period 2^19937 − 1); GSL's default.
/// - `taus2`: maximally equidistributed combined Tausworthe; small state (24 bytes), fast.
/// - `ranlxd2`: RANLUX at luxury level 2 (double precision); slow, highest decorrelation.
/// - `gfsr4`: four-tap lagged-Fibonacci shift register; the fastest for Gaussian bulk fills here.
public enum RandomAlgorithm: String, Sendable, CaseIterable, Codable {
    case mt19937
    case taus2
    case ranlxd2
    case gfsr4

    var gslType: UnsafePointer<gsl_rng_type> {
        switch self {
        case .mt19937: return neuromod_rng_mt19937()
        case .taus2: return neuromod_rng_taus2()
        case .ranlxd2: return neuromod_rng_ranlxd2()
        case .gfsr4: return neuromod_rng_gfsr4()
        }
    }
}
