import Foundation

/// The files of one results folder: names (flat, or in a subfolder such as `weights/index.csv`) and
/// contents, in the order they are written.
public typealias ResultFiles = [(name: String, data: Data)]

/// A results folder that is whole or absent: the one place where studies, sweeps and gradient
/// checks write their outputs.
///
/// Contract:
/// - ``init(_:force:)`` runs before any work. It refuses, with a ``ResultFolderError`` naming the
///   path and the cause, an output path that is a file, a non-empty folder (unless `force`), a path
///   under a file, or one whose nearest existing parent is not writable. It also cleans what killed
///   runs left beside the target (see ``cleanStale()``).
/// - ``write(_:)`` writes every file into a fresh temporary folder beside the target,
///   `.NAME.partial-PID-TOKEN`, and renames it into place, so a reader never sees a partial folder.
///   With `force` an existing folder is replaced only at that last step: it is renamed aside
///   (`.NAME.replaced-PID-TOKEN`), the new folder is renamed in, then the old one is removed. A
///   failure removes the temporary folder and puts the old folder back.
/// - A process killed at any point leaves the target either absent, the old folder, or the new one;
///   the temporaries it leaves are cleaned by the next ``init(_:force:)`` on the same target.
public struct ResultFolder: Sendable {
    /// The target as given (messages name it so).
    public let path: String
    /// Whether an existing non-empty folder may be replaced.
    public let force: Bool
    let target: URL
    let parent: URL
    let name: String

    /// The process id written into temporary names; tests set a dead one to play a killed run.
    var owner: Int32 = getpid()
    /// Test-only: where to stop as if killed (`.kill`) or failing (`.fail`).
    var fault: Fault?

    /// Checks the output path before any work and cleans stale temporaries beside it.
    public init(_ path: String, force: Bool = false) throws {
        let last = (path as NSString).lastPathComponent
        guard !path.isEmpty, !["", "/", ".", ".."].contains(last) else {
            throw ResultFolderError(path: path, cause: "name a folder to create, e.g. runs/NAME")
        }
        self.path = path
        self.force = force
        target = URL(fileURLWithPath: path).standardizedFileURL
        parent = target.deletingLastPathComponent()
        name = target.lastPathComponent
        try checkParent()
        try cleanStale()
        try checkTarget()
    }

    /// Writes `files`, and ``Provenance/fileName`` (``Provenance/current()``) unless `files` holds
    /// one, into a temporary folder beside the target and renames it into place.
    public func write(_ files: ResultFiles) throws {
        let files = try Provenance.adding(to: files)
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw ResultFolderError(path: parent.path, cause: "cannot create the folder (\(Self.reason(error)))")
        }
        let temporary = sibling("partial")
        var setAside: URL?
        do {
            try posix(mkdir(temporary.path, 0o755), path, "cannot create a temporary folder beside it")
            for (index, file) in files.enumerated() {
                try makeSubfolders(for: file.name, in: temporary)
                try writeFile(file.data, to: temporary.appendingPathComponent(file.name), index: index,
                              shown: (path as NSString).appendingPathComponent(file.name))
                try reach(.afterFile(index))
            }
            try reach(.beforeRename)
            if try !Self.isEmptyOrAbsent(target) {
                guard force else { throw ResultFolderError.exists(path) }
                let aside = sibling("replaced")
                try posix(rename(target.path, aside.path), path, "cannot move the old folder aside")
                setAside = aside
                try reach(.afterSettingAside)
            }
            try posix(rename(temporary.path, target.path), path, "cannot rename the finished folder into place")
            if let old = setAside {
                setAside = nil
                try reach(.beforeRemovingOld)
                try? FileManager.default.removeItem(at: old)
            }
        } catch let kill as SimulatedKill {
            throw kill  // as a killed process: nothing cleaned up
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let old = setAside, !FileManager.default.fileExists(atPath: target.path) {
                _ = rename(old.path, target.path)
            }
            throw error
        }
    }

    /// A fresh name beside the target: `.NAME.KIND-PID-TOKEN`.
    func sibling(_ kind: String) -> URL {
        parent.appendingPathComponent(".\(name).\(kind)-\(owner)-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))")
    }

    /// Writes `data` to `url` (a new file); errors name the file as `shown`.
    func writeFile(_ data: Data, to url: URL, index: Int, shown: String) throws {
        let fd = try posix(open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o644), shown, "cannot create the file")
        defer { close(fd) }
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            func put(_ range: Range<Int>) throws {
                var offset = range.lowerBound
                while offset < range.upperBound {
                    offset += try posix(systemWrite(fd, bytes.baseAddress! + offset, range.upperBound - offset), shown, "cannot write")
                }
            }
            // A test may stop halfway through the file.
            try put(0..<data.count / 2)
            try reach(.insideFile(index))
            try put(data.count / 2..<data.count)
        }
    }

    /// Throws a ``ResultFolderError`` naming `shown` when a POSIX call returned −1.
    @discardableResult
    func posix(_ result: Int, _ shown: String, _ what: String) throws -> Int {
        guard result < 0 else { return result }
        throw ResultFolderError(path: shown, cause: "\(what) (\(String(cString: strerror(errno))))")
    }

    @discardableResult
    func posix(_ result: Int32, _ shown: String, _ what: String) throws -> Int32 {
        Int32(try posix(Int(result), shown, what))
    }

    /// Whether `url` is absent or an empty folder (which a rename may replace).
    static func isEmptyOrAbsent(_ url: URL) throws -> Bool {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { return true }
        guard isFolder.boolValue else { return false }
        return ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? ["?"]).isEmpty
    }

    /// The one-line cause of a Foundation error: its POSIX reason when there is one.
    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription.split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
    }
}

/// An output path that cannot be used, or a write that failed: one line naming the path and the cause.
public struct ResultFolderError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let cause: String

    public var description: String { "\(path): \(cause)" }

    static func exists(_ path: String) -> ResultFolderError {
        ResultFolderError(path: path, cause: "the output folder already exists; pass --force to replace it once the new results are complete")
    }
}

/// write(2), named so inside ``ResultFolder`` (whose own `write` would hide it).
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
