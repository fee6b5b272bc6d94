import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Monotonic time in nanoseconds (CLOCK_MONOTONIC through Dispatch).
@inline(__always) func nowNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// CPU time of the calling thread in nanoseconds: unlike wall time, it does not count the time the
/// thread waited while other processes ran on its core (single-threaded BLAS runs in this thread).
@inline(__always) func threadCPUNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Summary of repeated measurements of one operation, in milliseconds: wall clock, and the calling
/// thread's CPU time (robust against time-slicing on a shared machine).
struct Timing: Codable {
    var medianMs: Double
    var minMs: Double
    var meanMs: Double
    var maxMs: Double
    var cpuMedianMs: Double = .nan
    var cpuMinMs: Double = .nan
    var repeats: Int
    var warmup: Int

    init(samplesNs: [UInt64], cpuNs: [UInt64] = [], warmup: Int) {
        let ms = samplesNs.map { Double($0) / 1e6 }.sorted()
        let n = ms.count
        precondition(n > 0, "at least one repeat")
        medianMs = n % 2 == 1 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2
        minMs = ms[0]
        maxMs = ms[n - 1]
        meanMs = ms.reduce(0, +) / Double(n)
        repeats = n
        self.warmup = warmup
        if !cpuNs.isEmpty {
            let cpu = cpuNs.map { Double($0) / 1e6 }.sorted()
            cpuMedianMs = cpu.count % 2 == 1 ? cpu[cpu.count / 2] : (cpu[cpu.count / 2 - 1] + cpu[cpu.count / 2]) / 2
            cpuMinMs = cpu[0]
        }
    }
}

/// Runs `body` `warmup` times untimed, then `repeats` times, timing each call on its own (wall and CPU).
/// `body` receives the call's index (warm-up calls included), e.g. to cycle through minibatches.
func measure(warmup: Int, repeats: Int, _ body: (Int) throws -> Void) rethrows -> Timing {
    for i in 0..<warmup { try body(i) }
    var samples: [UInt64] = [], cpu: [UInt64] = []
    samples.reserveCapacity(repeats)
    cpu.reserveCapacity(repeats)
    for i in 0..<repeats {
        let cpuStart = threadCPUNanoseconds()
        let start = nowNanoseconds()
        try body(warmup + i)
        samples.append(nowNanoseconds() - start)
        cpu.append(threadCPUNanoseconds() - cpuStart)
    }
    return Timing(samplesNs: samples, cpuNs: cpu, warmup: warmup)
}

/// Keeps a value alive and opaque to the optimizer, so the work that produced it is not removed.
@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

func formatMs(_ x: Double) -> String { String(format: "%8.3f", x) }
