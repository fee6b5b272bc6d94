import Foundation
import Testing
@testable import NeuromodLab

/// A results folder is whole or absent: checked before any work, written beside the target and
/// renamed into place, replaced only with `force` and only at the last rename. Runs are "killed" at
/// deterministic points through the test-only fault hook; a killed run's temporaries carry a dead
/// process id, as they would after a real kill, and the next run on the same target cleans them.
@Suite struct ResultFolderTests {
    /// No process has this id (Linux's pid_max is at most 2²²), so its temporaries count as stale.
    static let deadProcess: Int32 = 999_999_999

    /// A scratch parent folder holding the target `out`.
    struct Scratch {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("neuromod-folder-\(UUID().uuidString)")
        var target: String { parent.appendingPathComponent("out").path }

        init() throws { try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true) }

        /// The target's files and contents, without the `provenance.json` every folder holds
        /// (its own tests are in ProvenanceTests); nil when it is absent.
        func contents() throws -> [String: Data]? {
            guard FileManager.default.fileExists(atPath: target) else { return nil }
            let names = try FileManager.default.contentsOfDirectory(atPath: target).filter { $0 != Provenance.fileName }
            return Dictionary(uniqueKeysWithValues: try names.map { ($0, try Data(contentsOf: URL(fileURLWithPath: target + "/" + $0))) })
        }

        /// Names in the parent other than the target: temporaries left behind.
        func leftovers() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: parent.path).filter { $0 != "out" }.sorted()
        }

        func remove() { try? FileManager.default.removeItem(at: parent) }
    }

    /// `count` files of varied sizes whose bytes depend on `tag`.
    static func files(_ count: Int, tag: UInt8, sizes: [Int] = [10, 3000, 1, 70_000, 0]) -> ResultFiles {
        (0..<count).map { i in ("file\(i).csv", Data((0..<sizes[i % sizes.count]).map { UInt8(truncatingIfNeeded: $0) &+ tag })) }
    }

    static func dictionary(_ files: ResultFiles) -> [String: Data] {
        Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.data) })
    }

    /// Writes `files` to `target`, stopping at `fault`; returns the error, if any.
    static func attempt(_ files: ResultFiles, to target: String, force: Bool, fault: ResultFolder.Fault?) throws -> (any Error)? {
        var folder = try ResultFolder(target, force: force)
        folder.owner = deadProcess
        folder.fault = fault
        do { try folder.write(files) } catch { return error }
        return nil
    }

    @Test func aFileAtTheOutputPathIsRefusedBeforeAnyWork() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try Data("x".utf8).write(to: URL(fileURLWithPath: scratch.target))
        #expect(throws: ResultFolderError(path: scratch.target, cause: "is a file, not a folder")) { try ResultFolder(scratch.target) }
        let under = scratch.target + "/sub/out"
        #expect(throws: ResultFolderError(path: under, cause: "cannot create it: \(scratch.target) is a file, not a folder")) {
            try ResultFolder(under)
        }
        #expect(throws: ResultFolderError.self) { try ResultFolder("") }
        #expect(throws: ResultFolderError.self) { try ResultFolder(scratch.parent.path + "/..") }
    }

    @Test func anExistingFolderIsReplacedOnlyWithForce() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let old = Self.files(3, tag: 1), new = Self.files(2, tag: 2)
        try ResultFolder(scratch.target).write(old)
        #expect(throws: ResultFolderError.exists(scratch.target)) { try ResultFolder(scratch.target) }
        try ResultFolder(scratch.target, force: true).write(new)
        #expect(try scratch.contents() == Self.dictionary(new))
        #expect(try scratch.leftovers() == [])
    }

    /// An empty folder (e.g. made by hand) is not a result: it is used without --force.
    @Test func anEmptyFolderIsUsedWithoutForce() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        try FileManager.default.createDirectory(atPath: scratch.target, withIntermediateDirectories: false)
        try ResultFolder(scratch.target).write(Self.files(2, tag: 5))
        #expect(try scratch.contents() == Self.dictionary(Self.files(2, tag: 5)))
    }

    /// A run still going (a live process id: ours) keeps its temporaries.
    @Test func temporariesOfARunningProcessAreLeftAlone() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let live = scratch.parent.appendingPathComponent(".out.partial-\(getpid())-abc")
        try FileManager.default.createDirectory(at: live, withIntermediateDirectories: false)
        try ResultFolder(scratch.target).write(Self.files(1, tag: 0))
        #expect(try scratch.leftovers() == [".out.partial-\(getpid())-abc"])
    }

    /// Killed at every point, with and without an old folder: the target is absent, the old folder
    /// or the new one, never a mix; the next run cleans the temporaries and restores an old folder
    /// that was set aside.
    @Test(arguments: [ResultFolder.Point.afterFile(0), .insideFile(1), .afterFile(2), .insideFile(3), .beforeRename,
                      .afterSettingAside, .beforeRemovingOld])
    func aKilledRunNeverLeavesAPartialFolder(point: ResultFolder.Point) throws {
        for hasOld in [false, true] {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let old = Self.files(2, tag: 1), new = Self.files(4, tag: 2)
            if hasOld { try ResultFolder(scratch.target).write(old) }
            let error = try Self.attempt(new, to: scratch.target, force: true, fault: .kill(at: point))
            let reached = hasOld || ![.afterSettingAside, .beforeRemovingOld].contains(point)
            #expect((error is ResultFolder.SimulatedKill) == reached, "\(point), old folder: \(hasOld)")
            let after = try scratch.contents()
            #expect(after == nil || after == Self.dictionary(old) || after == Self.dictionary(new), "\(point): \(after?.keys.sorted() ?? [])")
            #expect(try !scratch.leftovers().isEmpty || !reached, "a killed run leaves its temporary")

            let next = try ResultFolder(scratch.target, force: true)
            #expect(try scratch.leftovers() == [], "cleaned before the next run's work")
            let expected = point == .beforeRemovingOld || !reached ? new : (hasOld ? old : nil)
            #expect(try scratch.contents() == expected.map(Self.dictionary), "\(point), old folder: \(hasOld)")
            try next.write(Self.files(1, tag: 3))
            #expect(try scratch.contents() == Self.dictionary(Self.files(1, tag: 3)))
        }
    }

    /// An error while writing removes the temporary and keeps the old folder; the message is one line.
    @Test(arguments: [ResultFolder.Point.afterFile(0), .insideFile(1), .beforeRename, .afterSettingAside])
    func aFailedWriteKeepsTheOldFolder(point: ResultFolder.Point) throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let old = Self.files(2, tag: 1)
        try ResultFolder(scratch.target).write(old)
        let error = try #require(try Self.attempt(Self.files(3, tag: 2), to: scratch.target, force: true, fault: .fail(at: point)))
        #expect("\(error)".hasPrefix(scratch.target + ": ") && !"\(error)".contains("\n"))
        #expect(try scratch.contents() == Self.dictionary(old))
        #expect(try scratch.leftovers() == [])
    }

    /// A seeded soak: random files, old folders, --force and kill or failure points; every outcome
    /// is whole or absent, and the next run always cleans up and succeeds.
    @Test func randomKillsNeverLeaveAPartialFolder() throws {
        var rng = SplitMix64(seed: 2026)
        let points: [ResultFolder.Point] = [.beforeRename, .afterSettingAside, .beforeRemovingOld]
        for iteration in 0..<40 {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let count = 1 + Int(rng.next() % 5)
            let old = Self.files(1 + Int(rng.next() % 3), tag: 7), new = Self.files(count, tag: UInt8(iteration))
            let hasOld = rng.next() % 2 == 0, force = rng.next() % 4 != 0
            if hasOld { try ResultFolder(scratch.target).write(old) }
            let index = Int(rng.next() % UInt64(count))
            let point = [ResultFolder.Point.afterFile(index), .insideFile(index), points[Int(rng.next() % 3)]][Int(rng.next() % 3)]
            let fault: ResultFolder.Fault? = [.kill(at: point), .fail(at: point), nil][Int(rng.next() % 3)]
            if !hasOld || force { _ = try Self.attempt(new, to: scratch.target, force: force, fault: fault) }
            let after = try scratch.contents()
            #expect(after == nil || after == Self.dictionary(old) || after == Self.dictionary(new), "iteration \(iteration)")
            let last = Self.files(2, tag: 99)
            try ResultFolder(scratch.target, force: true).write(last)
            #expect(try scratch.contents() == Self.dictionary(last) && scratch.leftovers() == [], "iteration \(iteration)")
        }
    }
}

/// A small seeded generator (SplitMix64) for the soak test.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
