import Foundation
import NeuromodLab

/// Progress on stderr: a redrawn bar on a terminal; otherwise one plain line per milestone (a run
/// finished, a checkpoint). Studies report from several threads; a lock serializes them.
final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    let enabled: Bool
    let isTerminal = isatty(STDERR_FILENO) != 0
    let started = Date()

    init(enabled: Bool) { self.enabled = enabled }

    func report(_ p: StudyProgress) {
        guard enabled, isTerminal || p.milestone else { return }
        lock.lock()
        defer { lock.unlock() }
        let elapsed = Date().timeIntervalSince(started)
        if isTerminal {
            let fraction = Double(p.done) / Double(max(p.total, 1)), width = 28
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let eta = fraction > 0 ? elapsed / fraction - elapsed : 0
            FileHandle.standardError.write(Data(String(format: "\r%@ %3.0f%%  %@  %.0fs left ", bar, fraction * 100, p.line, eta).utf8))
        } else {
            FileHandle.standardError.write(Data(String(format: "%@ (%.0fs)\n", p.line, elapsed).utf8))
        }
    }

    func finish() {
        if enabled && isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
