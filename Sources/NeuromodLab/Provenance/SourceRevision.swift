import Foundation
import Neuromod

/// The git commit of the source checkout this binary was built from, looked up when asked.
///
/// SwiftPM runs no commands at build time (that would need a build-tool plugin), so the lookup
/// happens at run time: `#filePath` of this file names the checkout the compiler read, and
/// `git -C <that folder> rev-parse HEAD` and `git status --porcelain` (through `Process`) give the
/// commit and whether tracked or untracked, non-ignored files differ from it. This works for a plain
/// `swift build` in a clone and for a package depending on Neuromod (SwiftPM keeps its checkout under
/// `.build/checkouts/`).
///
/// Contract: the answer describes the checkout *as it is now*; if it was edited, checked out at
/// another commit or removed after the build, the answer says so only as far as git can tell.
/// When the folder is gone, is not a git checkout, or git is missing, ``commit`` is `"unknown"` and
/// ``dirty`` is nil. Never throws, never prints; a lookup takes two short `git` processes.
public struct SourceRevision: Sendable, Equatable, Codable {
    /// The 40-hex-digit commit, or `"unknown"`.
    public var commit: String
    /// Whether the checkout differs from ``commit``; nil when unknown.
    public var dirty: Bool?

    public init(commit: String, dirty: Bool?) {
        self.commit = commit
        self.dirty = dirty
    }

    /// The checkout holding this source file.
    public static func lookUp(sourceFile: String = #filePath) -> SourceRevision {
        let folder = (sourceFile as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: folder),
              let head = git(["-C", folder, "rev-parse", "HEAD"])?.trimmingCharacters(in: .whitespacesAndNewlines),
              head.count == 40, head.allSatisfy(\.isHexDigit)
        else { return SourceRevision(commit: "unknown", dirty: nil) }
        let status = git(["-C", folder, "status", "--porcelain"])
        return SourceRevision(commit: head, dirty: status.map { !$0.isEmpty })
    }

    /// `neuromod 0.1.0 (commit 3551f1c, clean)`: the version line of `neuromod --version`.
    public var versionLine: String {
        guard commit != "unknown" else { return "neuromod \(NeuromodVersion.string) (commit unknown)" }
        let state = dirty.map { $0 ? "dirty" : "clean" } ?? "state unknown"
        return "neuromod \(NeuromodVersion.string) (commit \(commit.prefix(7)), \(state))"
    }

    /// The standard output of `git ARGUMENTS`; nil when git cannot run or exits with a failure.
    static func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        // git status would otherwise refresh the index (a write) in someone's checkout.
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_OPTIONAL_LOCKS"] = "0"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
