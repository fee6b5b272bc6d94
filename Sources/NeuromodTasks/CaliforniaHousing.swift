import Neuromod

/// The California Housing regression task of thesis §4.1.1 (seed 000): eight numeric features of a
/// 1990 census block group in California, target the median house value.
///
/// The data is scikit-learn's processed form (`fetch_california_housing`): 20,640 rows, features
/// `MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup, Latitude, Longitude`, target
/// `MedHouseVal` in units of 100,000 USD (capped at 5.00001). See ../shared/data/README.md for the
/// columns, their statistics and the origin (Pace & Barry 1997, StatLib). The package ships a gzipped
/// copy at ``shippedPath``.
///
/// Preparation: the rows are split with ``splitTrainTest(_:testFraction:seed:)``, then the features
/// are z-scored by a ``Standardizer`` fitted on the training rows only and applied to both sets; the
/// targets are z-scored the same way only if asked.
public enum CaliforniaHousing {
    /// The eight feature columns, in the order of the inputs.
    public static let featureNames = ["MedInc", "HouseAge", "AveRooms", "AveBedrms",
                                      "Population", "AveOccup", "Latitude", "Longitude"]
    /// The target column (median house value / 100,000 USD).
    public static let targetName = "MedHouseVal"
    /// The shipped copy of the data, relative to the package root.
    public static let shippedPath = "Models/data/california_housing.csv.gz"

    /// A prepared split with the transforms that were fitted on its training part.
    public struct Prepared: Sendable {
        /// Training and test sets, with standardized features (and targets, if asked).
        public var split: DatasetSplit
        /// The feature transform, fitted on the training inputs.
        public var features: Standardizer
        /// The target transform, fitted on the training targets; `nil` if targets are left in
        /// units of 100,000 USD. Use ``Standardizer/applyInverse(to:)`` to report predictions in them.
        public var targets: Standardizer?
    }

    /// Loads and prepares the data; see ``load(path:testFraction:seed:standardizeTargets:)``.
    public static func prepare(path: String, testFraction: Double, seed: UInt64,
                               standardizeTargets: Bool = false) throws -> Prepared {
        let data = try CSVTable.load(path: path)
            .dataset(name: "california_housing", inputs: featureNames, targets: [targetName])
        var split = try splitTrainTest(data, testFraction: testFraction, seed: seed)

        var features = Standardizer()
        try features.fit(split.train.inputs, columnNames: featureNames, source: path)
        features.apply(to: &split.train.inputs)
        if split.test != nil { features.apply(to: &split.test!.inputs) }

        var targets: Standardizer?
        if standardizeTargets {
            var scaler = Standardizer()
            try scaler.fit(split.train.targets, columnNames: [targetName], source: path)
            scaler.apply(to: &split.train.targets)
            if split.test != nil { scaler.apply(to: &split.test!.targets) }
            targets = scaler
        }
        return Prepared(split: split, features: features, targets: targets)
    }

    /// Loads the CSV at `path` (plain or gzip), splits it and standardizes it.
    ///
    /// - Parameters:
    ///   - path: the CSV file, e.g. ``shippedPath`` or ../shared/data/california_housing.csv.
    ///   - testFraction: fraction of rows held out for testing, in [0, 1); 0 gives no test set.
    ///   - seed: seed of the split.
    ///   - standardizeTargets: also z-score the target (fitted on the training rows); default `false`,
    ///     which keeps it in units of 100,000 USD.
    /// - Throws: ``DataError`` for a missing or malformed file or a constant column in the training
    ///   rows; ``TaskError`` for a `testFraction` out of range.
    public static func load(path: String, testFraction: Double, seed: UInt64,
                            standardizeTargets: Bool = false) throws -> DatasetSplit {
        try prepare(path: path, testFraction: testFraction, seed: seed, standardizeTargets: standardizeTargets).split
    }
}
