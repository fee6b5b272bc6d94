import Foundation

/// The noise-drawing threads of runs trained side by side, shared evenly by the runs still going.
///
/// A rule that perturbs every weight spends most of an update drawing its probe, and the draw splits
/// over threads by instance (``PlasticityEngine/noiseThreads``). With `threads` threads and `active`
/// runs going, each run draws on ⌊threads / active⌋ threads (at least 1), so when a method's runs
/// do not divide evenly among the threads, the run left alone at the end draws on all of them.
/// A run reads its share after every update. The numbers never depend on it: every instance draws
/// from its own stream.
final class NoiseThreadShare: @unchecked Sendable {
    private let lock = NSLock()
    private let threads: Int
    private var active = 0

    init(threads: Int) { self.threads = max(1, threads) }

    /// A run starts.
    func begin() { lock.withLock { active += 1 } }

    /// A run ends.
    func end() { lock.withLock { active -= 1 } }

    /// The threads one run may draw on now.
    var threadsPerRun: Int { lock.withLock { max(1, threads / max(active, 1)) } }
}
