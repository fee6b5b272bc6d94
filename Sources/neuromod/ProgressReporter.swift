import Foundation
import NeuromodLab

/// Progress on stderr: a redrawn bar on a terminal, one plain line per finished run otherwise.
/// Runs report from several threads; a lock serializes them.
final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    let enabled: Bool
    let isTerminal = isatty(STDERR_FILENO) != 0
    let totalEpochs: Int
    let started = Date()
    private var done = 0

    init(enabled: Bool, totalEpochs: Int) {
        self.enabled = enabled
        self.totalEpochs = max(totalEpochs, 1)
    }

    func report(_ p: RunProgress) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(started)
        if isTerminal {
            let fraction = Double(done) / Double(totalEpochs)
            let width = 28
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let eta = fraction > 0 ? elapsed / fraction - elapsed : 0
            let line = String(format: "\r%@ %3.0f%%  %@ run %d/%d epoch %d/%d  loss %.4g  %.0fs left ",
                              bar, fraction * 100, p.method, p.run + 1, p.runs, p.epoch, p.epochs, p.epochLoss, eta)
            FileHandle.standardError.write(Data(line.utf8))
        } else if p.epoch == p.epochs {
            let line = String(format: "%@ run %d/%d done: last-epoch loss %.4g (%.1fs elapsed)\n",
                              p.method, p.run + 1, p.runs, p.epochLoss, elapsed)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    func finish() {
        if enabled && isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
