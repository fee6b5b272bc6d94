/// The version of this package, as tagged in git (`v` + this) and listed in CHANGELOG.md.
/// Semantic versioning: before 1.0.0 a minor version may change the public API.
public enum NeuromodVersion {
    public static let string = "0.1.0"
}
