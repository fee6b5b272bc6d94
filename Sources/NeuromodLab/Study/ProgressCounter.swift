import Foundation

/// Counts finished units of work across worker threads and turns each into a ``StudyProgress``.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    let total: Int

    init(total: Int) { self.total = max(total, 1) }

    /// One more unit finished, `units` of them at once (e.g. a tenth of a run's episodes).
    func step(_ units: Int = 1, line: String, milestone: Bool) -> StudyProgress {
        lock.lock()
        defer { lock.unlock() }
        done = min(done + units, total)
        return StudyProgress(done: done, total: total, line: line, milestone: milestone)
    }
}
