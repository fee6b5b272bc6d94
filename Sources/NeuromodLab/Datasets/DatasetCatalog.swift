/// A dataset that `neuromod data fetch NAME` can download: its files with their published
/// sizes and SHA-256 checksums, and the mirrors that serve them (tried in order).
///
/// Files land in `<cache>/<folder>/`, the layout of `../shared/data`, so a spec's `$DATA/mnist`
/// finds them when `$DATA` is the cache (see ``DatasetStore``).
public struct RemoteDataset: Sendable, Equatable {
    public var name: String
    public var summary: String
    /// The folder under the cache that holds the files.
    public var folder: String
    /// Base URLs, each ending in `/`; a file's URL is a mirror followed by its remote name.
    public var mirrors: [String]
    public var files: [RemoteFile]

    public init(name: String, summary: String, folder: String, mirrors: [String], files: [RemoteFile]) {
        self.name = name
        self.summary = summary
        self.folder = folder
        self.mirrors = mirrors
        self.files = files
    }
}

/// One file of a ``RemoteDataset``.
public struct RemoteFile: Sendable, Equatable {
    /// The name in the cache folder.
    public var name: String
    /// The name on the mirrors when it differs (e.g. figshare's numeric file ids).
    public var remoteName: String
    /// The published size in bytes, if known.
    public var bytes: Int?
    /// The published SHA-256, lowercase hex.
    public var sha256: String

    public init(name: String, remoteName: String? = nil, bytes: Int?, sha256: String) {
        self.name = name
        self.remoteName = remoteName ?? name
        self.bytes = bytes
        self.sha256 = sha256
    }
}

extension RemoteDataset {
    /// The datasets Neuromod knows by name. MNIST and Fashion-MNIST checksums were computed from the
    /// original files in ../shared/data (whose MD5s equal the published ones, see its README).
    /// California Housing is the raw StatLib archive scikit-learn downloads (its checksum as
    /// published in scikit-learn's `_california_housing.py`); the processed CSV the housing spec
    /// reads ships with Neuromod in Models/data.
    public static let catalog: [RemoteDataset] = [
        RemoteDataset(
            name: "mnist", summary: "MNIST handwritten digits, 60 000 + 10 000 images 28×28 (LeCun, Cortes, Burges)",
            folder: "mnist",
            mirrors: ["https://ossci-datasets.s3.amazonaws.com/mnist/", "https://yann.lecun.com/exdb/mnist/"],
            files: [
                RemoteFile(name: "train-images-idx3-ubyte.gz", bytes: 9_912_422,
                           sha256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
                RemoteFile(name: "train-labels-idx1-ubyte.gz", bytes: 28_881,
                           sha256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
                RemoteFile(name: "t10k-images-idx3-ubyte.gz", bytes: 1_648_877,
                           sha256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
                RemoteFile(name: "t10k-labels-idx1-ubyte.gz", bytes: 4_542,
                           sha256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
            ]),
        RemoteDataset(
            name: "fashion-mnist", summary: "Fashion-MNIST, Zalando article photos, 60 000 + 10 000 images 28×28 (MIT licence)",
            folder: "fashion-mnist",
            mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                      "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/"],
            files: [
                RemoteFile(name: "train-images-idx3-ubyte.gz", bytes: 26_421_880,
                           sha256: "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
                RemoteFile(name: "train-labels-idx1-ubyte.gz", bytes: 29_515,
                           sha256: "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
                RemoteFile(name: "t10k-images-idx3-ubyte.gz", bytes: 4_422_102,
                           sha256: "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
                RemoteFile(name: "t10k-labels-idx1-ubyte.gz", bytes: 5_148,
                           sha256: "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"),
            ]),
        RemoteDataset(
            name: "california-housing",
            summary: "California Housing, StatLib's raw 1990 census table (Pace & Barry); the processed CSV ships in Models/data",
            folder: "california-housing",
            mirrors: ["https://ndownloader.figshare.com/files/"],
            files: [
                RemoteFile(name: "cal_housing.tgz", remoteName: "5976036", bytes: nil,
                           sha256: "aaa5c9a6afe2225cc2aed2723682ae403280c4a3695a2ddda4ffb5d8215ea681"),
            ]),
    ]

    /// The catalog's dataset called `name`.
    public static func named(_ name: String) throws -> RemoteDataset {
        guard let dataset = catalog.first(where: { $0.name == name }) else {
            throw DatasetError.unknownDataset(name: name, known: catalog.map(\.name))
        }
        return dataset
    }
}
