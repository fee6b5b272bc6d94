import Dispatch

/// Runs `body` for 0..<count on up to `jobs` threads and returns the results in index order.
/// If any call throws, the error of the lowest failing index is rethrown (so the outcome does not
/// depend on scheduling).
public func parallelMap<T>(count: Int, jobs: Int, _ body: (Int) throws -> T) throws -> [T] {
    if jobs <= 1 || count <= 1 { return try (0..<count).map(body) }
    let results = UnsafeMutableBufferPointer<Result<T, Error>?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    defer { results.deinitialize(); results.deallocate() }
    let workers = min(jobs, count)
    // Worker w computes indices w, w + workers, …; each result slot is written by exactly one worker.
    withoutActuallyEscaping(body) { body in
        let box = UncheckedBox(body: body, results: results)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for i in stride(from: w, to: count, by: workers) { box.results[i] = Result { try box.body(i) } }
        }
    }
    return try results.map { try $0!.get() }
}

private struct UncheckedBox<T>: @unchecked Sendable {
    let body: (Int) throws -> T
    let results: UnsafeMutableBufferPointer<Result<T, Error>?>
}
