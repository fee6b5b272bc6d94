import ArgumentParser
import Foundation
import NeuromodLab
import NeuromodTasks

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "List, download and verify the datasets Neuromod knows by name (MNIST, Fashion-MNIST, California Housing).",
        discussion: """
        Files go to the cache folder: $NEUROMOD_DATA, else $XDG_CACHE_HOME/neuromod, else \
        ~/.cache/neuromod, one folder per dataset (mnist/, fashion-mnist/, california-housing/), \
        the layout of ../shared/data. A spec names a dataset by its folder under $DATA (e.g. \
        `folder: $DATA/mnist`); `neuromod run` looks there when ../shared/data is absent. A download \
        resumes where it stopped and is renamed into place only once its SHA-256 matches. \
        $NEUROMOD_DATA_MIRROR, if set, is a base URL tried before the published mirrors.

        Example:
          neuromod data list
          neuromod data fetch mnist
          neuromod data verify
        """,
        subcommands: [List.self, Fetch.self, Verify.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every known dataset and whether the cache holds it, verified.")

        func run() throws {
            let store = DatasetStore(folder: DatasetStore.defaultFolder())
            print("cache: \(store.folder)")
            for dataset in RemoteDataset.catalog {
                let states = store.states(dataset).map(\.state)
                let status = states.allSatisfy { $0 == .verified } ? "verified"
                    : states.allSatisfy { $0 == .missing } ? "not fetched" : "partial"
                print("\(dataset.name.padding(toLength: 19, withPad: " ", startingAt: 0)) \(status.padding(toLength: 12, withPad: " ", startingAt: 0)) \(dataset.summary)")
            }
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a dataset into the cache (resumable; each file checked against its published SHA-256).")

        @Argument(help: "Dataset name (see `neuromod data list`).")
        var name: String

        func run() throws {
            try reportingErrors {
                var dataset = try RemoteDataset.named(name)
                if let mirror = ProcessInfo.processInfo.environment["NEUROMOD_DATA_MIRROR"], !mirror.isEmpty {
                    dataset.mirrors.insert(mirror.hasSuffix("/") ? mirror : mirror + "/", at: 0)
                }
                let store = DatasetStore(folder: DatasetStore.defaultFolder())
                // On a terminal, one line per file that updates as bytes arrive.
                let terminal = isatty(STDERR_FILENO) == 1, folder = dataset.folder
                try store.fetch(dataset) { file, bytes in
                    guard terminal else { return }
                    let total = file.bytes.map { " of \(MemoryLimit.format($0))" } ?? ""
                    FileHandle.standardError.write(Data("\r\(folder)/\(file.name): \(MemoryLimit.format(bytes))\(total)\u{1B}[K".utf8))
                }
                if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                print("\(dataset.name): \(dataset.files.count) file(s) verified in \(store.folder)/\(dataset.folder)")
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the cached files of one dataset, or of every fetched dataset, against their SHA-256.")

        @Argument(help: "Dataset name (default: every dataset with files in the cache).")
        var name: String?

        func run() throws {
            try reportingErrors {
                let store = DatasetStore(folder: DatasetStore.defaultFolder())
                let datasets = try name.map { [try RemoteDataset.named($0)] }
                    ?? RemoteDataset.catalog.filter { !store.states($0).allSatisfy { $0.state == .missing } }
                for dataset in datasets {
                    try store.verify(dataset)
                    print("\(dataset.name): \(dataset.files.count) file(s) verified")
                }
                if datasets.isEmpty { print("no dataset in \(store.folder); `neuromod data fetch NAME` downloads one") }
            }
        }
    }
}
