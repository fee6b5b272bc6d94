import Foundation

extension ResultFolder {
    /// The nearest existing ancestor of the target must be a writable folder (so the target can be
    /// created), and no ancestor may be a file.
    func checkParent() throws {
        var ancestor = parent
        var isFolder: ObjCBool = false
        while !FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isFolder) {
            ancestor = ancestor.deletingLastPathComponent()
        }
        guard isFolder.boolValue else {
            throw ResultFolderError(path: path, cause: "cannot create it: \(ancestor.path) is a file, not a folder")
        }
        guard access(ancestor.path, W_OK | X_OK) == 0 else {
            throw ResultFolderError(path: path, cause: "cannot create it in \(ancestor.path) (\(String(cString: strerror(errno))))")
        }
    }

    /// The target must be absent, an empty folder, or (with `force`) a folder.
    func checkTarget() throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target.path, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else { throw ResultFolderError(path: path, cause: "is a file, not a folder") }
        if !force, try !Self.isEmptyOrAbsent(target) { throw ResultFolderError.exists(path) }
    }

    /// Removes what runs killed while writing this target left beside it: `.NAME.partial-PID-…`
    /// folders (unfinished results) and `.NAME.replaced-PID-…` folders (an old folder set aside;
    /// moved back when the target is absent, so a kill between the two renames loses nothing).
    /// Temporaries of a process that is still running are left alone.
    func cleanStale() throws {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return }
        for entry in names.sorted() {
            guard let (kind, pid) = Self.temporary(entry, of: name), !Self.isRunning(pid) else { continue }
            let url = parent.appendingPathComponent(entry)
            if kind == "replaced", !FileManager.default.fileExists(atPath: target.path) {
                try posix(rename(url.path, target.path), url.path, "cannot restore a folder set aside by a killed run")
                continue
            }
            do {
                try FileManager.default.removeItem(at: url)
            } catch {
                throw ResultFolderError(path: url.path, cause: "cannot remove this stale temporary folder (\(Self.reason(error)))")
            }
        }
    }

    /// The kind (`partial` or `replaced`) and process id of a temporary of the target `name`.
    static func temporary(_ entry: String, of name: String) -> (kind: String, pid: Int32)? {
        for kind in ["partial", "replaced"] {
            let prefix = ".\(name).\(kind)-"
            guard entry.hasPrefix(prefix), let pid = Int32(entry.dropFirst(prefix.count).prefix { $0 != "-" }) else { continue }
            return (kind, pid)
        }
        return nil
    }

    /// Whether process `pid` exists.
    static func isRunning(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }

    // MARK: - Test-only failure points

    /// Where ``write(_:)`` stops in a test.
    enum Point: Equatable, Sendable {
        /// After file `n` (from 0) is complete.
        case afterFile(Int)
        /// With the first half of file `n` written.
        case insideFile(Int)
        /// Every file written, before the temporary folder is renamed into place.
        case beforeRename
        /// With `force`: the old folder renamed aside, the new one not yet in place.
        case afterSettingAside
        /// With `force`: the new folder in place, the old one not yet removed.
        case beforeRemovingOld
    }

    /// A test's failure: as if the process were killed there (nothing cleaned up), or an error.
    enum Fault: Equatable, Sendable {
        case kill(at: Point)
        case fail(at: Point)

        var point: Point {
            switch self {
            case .kill(let point), .fail(let point): return point
            }
        }
    }

    /// Thrown at a `.kill` point; ``write(_:)`` leaves everything as it is.
    struct SimulatedKill: Error {}

    /// Throws when a test asked to stop at `point`.
    func reach(_ point: Point) throws {
        switch fault {
        case .kill(point)?: throw SimulatedKill()
        case .fail(point)?: throw ResultFolderError(path: path, cause: "injected failure at \(point)")
        default: return
        }
    }
}
