import Foundation
import NeuromodTasks

/// The local cache of downloaded datasets: `$NEUROMOD_DATA` if set, else
/// `$XDG_CACHE_HOME/neuromod`, else `~/.cache/neuromod`. A dataset's files live in
/// `<folder>/<dataset.folder>/`, the layout of `../shared/data`.
///
/// A download goes to `<file>.part` (kept when interrupted, resumed next time with an HTTP
/// range request) and is renamed into place only after its SHA-256 matches the published one;
/// a file in the cache is therefore complete and verified, or absent.
public struct DatasetStore: Sendable {
    public let folder: String

    public init(folder: String) { self.folder = folder }

    /// The cache folder for `environment` (see the type's description).
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let data = environment["NEUROMOD_DATA"], !data.isEmpty { return data }
        if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty { return cache + "/neuromod" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/neuromod"
    }

    public func path(_ file: RemoteFile, of dataset: RemoteDataset) -> String {
        "\(folder)/\(dataset.folder)/\(file.name)"
    }

    /// The state of one file in the cache.
    public enum FileState: Equatable, Sendable {
        case verified
        case missing
        /// A `.part` file holds this many bytes of an interrupted download.
        case partial(bytes: Int)
        case checksumMismatch(found: String)
    }

    /// Each file's state (hashing every present file).
    public func states(_ dataset: RemoteDataset) -> [(file: RemoteFile, state: FileState)] {
        dataset.files.map { file in
            let path = self.path(file, of: dataset)
            guard FileManager.default.fileExists(atPath: path) else {
                let part = DataFile.storedSize(path: path + ".part")
                return (file, FileManager.default.fileExists(atPath: path + ".part") ? .partial(bytes: part) : .missing)
            }
            let found = SHA256.hex(fileAt: path) ?? ""
            return (file, found == file.sha256 ? .verified : .checksumMismatch(found: found))
        }
    }

    /// Throws the first problem: a missing file or one whose SHA-256 differs from the published one.
    public func verify(_ dataset: RemoteDataset) throws {
        for (file, state) in states(dataset) {
            switch state {
            case .verified: continue
            case .missing, .partial: throw DatasetError.missing(path: path(file, of: dataset), dataset: dataset.name)
            case .checksumMismatch(let found):
                throw DatasetError.checksumMismatch(path: path(file, of: dataset), found: found, expected: file.sha256)
            }
        }
    }

    /// Downloads every file not yet verified in the cache, trying the mirrors in order; reports
    /// (file, bytes so far) as bytes arrive. A file whose download fails its checksum is removed
    /// and the error thrown; an unreachable mirror passes to the next, and the last error is thrown.
    public func fetch(_ dataset: RemoteDataset, progress: @escaping @Sendable (RemoteFile, Int) -> Void = { _, _ in }) throws {
        let target = "\(folder)/\(dataset.folder)"
        do {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        } catch {
            throw DatasetError.cannotWrite(path: target)
        }
        for (file, state) in states(dataset) where state != .verified {
            let path = self.path(file, of: dataset), part = path + ".part"
            if case .checksumMismatch = state { try? FileManager.default.removeItem(atPath: path) }
            var errors: [DatasetError] = []
            for mirror in dataset.mirrors {
                guard let url = URL(string: mirror + file.remoteName) else { continue }
                do {
                    if file.bytes == nil || DataFile.storedSize(path: part) != file.bytes {
                        try ResumableDownload(url: url, partPath: part).run { progress(file, $0) }
                    }
                    errors = []
                    break
                } catch let error as DatasetError {
                    errors.append(error)
                    if case .http = error { try? FileManager.default.removeItem(atPath: part) }
                }
            }
            if !errors.isEmpty {
                if DataFile.storedSize(path: part) == 0 { try? FileManager.default.removeItem(atPath: part) }
                // Leave no empty dataset folder behind: `$DATA/<folder>` missing says "fetch it".
                if (try? FileManager.default.contentsOfDirectory(atPath: target))?.isEmpty == true {
                    try? FileManager.default.removeItem(atPath: target)
                }
                throw Self.combined(errors)
            }
            let found = SHA256.hex(fileAt: part) ?? ""
            guard found == file.sha256 else {
                try? FileManager.default.removeItem(atPath: part)
                throw DatasetError.checksumMismatch(path: path, found: found, expected: file.sha256)
            }
            guard rename(part, path) == 0 else { throw DatasetError.cannotWrite(path: path) }
        }
    }

    /// One error for every mirror failing: the hosts together when none could be reached, else the last.
    static func combined(_ errors: [DatasetError]) -> DatasetError {
        let unreachable = errors.compactMap { error -> (String, String)? in
            if case .unreachable(let host, let reason) = error { return (host, reason) }
            return nil
        }
        guard unreachable.count == errors.count, let first = unreachable.first else { return errors.last! }
        return .unreachable(host: unreachable.map(\.0).joined(separator: ", "), reason: first.1)
    }
}
