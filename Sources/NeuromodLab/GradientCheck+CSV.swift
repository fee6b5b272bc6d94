import Foundation

extension GradientCheckReport {
    /// The file name ``writeCSV(to:)`` writes.
    public static let csvFile = "gradcheck.csv"

    /// The columns of ``csv``, in order.
    public static let csvHeader = ["method", "rule", "width_factor", "hidden_sizes", "samples", "cosine",
                                   "relative_bias", "bias_ci_halfwidth", "bias_interval_contains_zero",
                                   "normalized_variance", "layer_cosines", "expected_scale", "note"]

    /// One line per row: `hidden_sizes` and `layer_cosines` are joined with `;`, booleans are
    /// `true`/`false`, numbers are written in full precision; a field holding a comma or quote is
    /// quoted (RFC 4180).
    public var csv: String {
        var text = Self.csvHeader.joined(separator: ",") + "\n"
        for r in rows {
            let fields = [r.method, r.rule, "\(r.widthFactor)", r.hiddenSizes.map(String.init).joined(separator: ";"),
                          "\(r.samples)", "\(r.cosine)", "\(r.relativeBias)", "\(r.biasHalfWidth)",
                          "\(r.biasIntervalContainsZero)", "\(r.normalizedVariance)",
                          r.layerCosine.map { "\($0)" }.joined(separator: ";"), "\(r.expectedScale)", r.note]
            text += fields.map(ResultWriter.csvField).joined(separator: ",") + "\n"
        }
        return text
    }

    /// Writes ``csv`` as `gradcheck.csv` into `folder` (beside the `provenance.json` every folder holds).
    public func writeCSV(to folder: ResultFolder) throws {
        try folder.write([(Self.csvFile, Data(csv.utf8))])
    }
}
