import Foundation

extension ResultFolder {
    /// Creates, inside the temporary folder `root`, the subfolders a file name such as
    /// `weights/index.csv` needs (names are otherwise flat). A name with an empty, `.` or `..`
    /// component is refused with a ``ResultFolderError``: every file stays inside the folder, so the
    /// folder is still renamed into place whole.
    func makeSubfolders(for name: String, in root: URL) throws {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw ResultFolderError(path: (path as NSString).appendingPathComponent(name), cause: "not a file name inside the results folder")
        }
        var folder = root
        for part in parts.dropLast() {
            folder.appendPathComponent(String(part))
            guard mkdir(folder.path, 0o755) == 0 || errno == EEXIST else {
                throw ResultFolderError(path: (path as NSString).appendingPathComponent(String(part)),
                                        cause: "cannot create the subfolder (\(String(cString: strerror(errno))))")
            }
        }
    }
}

extension ResultFolder {
    /// What ``write(_:)`` puts at the top of the folder for `files`, as a message lists it: each
    /// flat name, each subfolder once (`weights/`), then `provenance.json`.
    public static func shownNames(_ files: ResultFiles) -> [String] {
        var names: [String] = []
        for file in files {
            let parts = file.name.split(separator: "/", maxSplits: 1)
            let shown = parts.count > 1 ? parts[0] + "/" : file.name
            if !names.contains(shown) { names.append(shown) }
        }
        return names.contains(Provenance.fileName) ? names : names + [Provenance.fileName]
    }
}
