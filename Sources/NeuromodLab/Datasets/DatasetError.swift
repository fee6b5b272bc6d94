/// Why fetching or verifying a dataset failed; every description is one line.
public enum DatasetError: Error, Equatable, CustomStringConvertible, Sendable {
    /// No dataset of that name; `known` lists the names there are.
    case unknownDataset(name: String, known: [String])
    /// No connection to the host (offline, refused, name not resolved, timed out).
    case unreachable(host: String, reason: String)
    /// The connection broke after `received` bytes of the file were kept.
    case interrupted(url: String, received: Int, reason: String)
    /// The server answered with an HTTP error status.
    case http(url: String, status: Int)
    /// The downloaded file's SHA-256 is not the published one; the download was removed.
    case checksumMismatch(path: String, found: String, expected: String)
    /// A file of the cache could not be created or written.
    case cannotWrite(path: String)
    /// A dataset file is not in the cache (for `verify`).
    case missing(path: String, dataset: String)

    public var description: String {
        switch self {
        case .unknownDataset(let name, let known):
            return "unknown dataset '\(name)'; known: \(known.joined(separator: ", "))"
        case .unreachable(let host, let reason):
            return "cannot reach \(host) (\(reason)); check the network connection, or copy the files into the cache folder by hand"
        case .interrupted(let url, let received, let reason):
            return "\(url): the download broke off after \(received) bytes (\(reason)); run the command again to resume"
        case .http(let url, let status):
            return "\(url): the server answered HTTP \(status)"
        case .checksumMismatch(let path, let found, let expected):
            return "\(path): SHA-256 is \(found), expected \(expected); the file was removed"
        case .cannotWrite(let path):
            return "\(path): cannot write"
        case .missing(let path, let dataset):
            return "\(path): missing; `neuromod data fetch \(dataset)` downloads it"
        }
    }
}
