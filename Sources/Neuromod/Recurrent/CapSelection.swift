/// The k-cap c_k of seed 002 (§2; Papadimitriou & Vempala 2019): keep the k largest entries of a
/// vector, zero the rest. Computed as a selection (quickselect, expected O(n)), not a sort.
///
/// The order is total: a larger value comes first; equal values are ordered by a tie key — the
/// index itself (``CapTies/lowestIndex``, deterministic, the default) or a rank drawn per call from
/// a permutation (``CapTies/random``). So the selected set is unique for given values and keys,
/// whatever the pivots. NaN is not expected (the drives are finite); it would order arbitrarily.
public enum CapTies: String, Sendable, Equatable, CaseIterable {
    /// Equal values: the lower index wins (`torch.topk` is not specified; this is reproducible).
    case lowestIndex = "lowest-index"
    /// Equal values: a uniformly random one wins (a fresh random rank per unit and call).
    case random
}

public enum CapSelection {
    /// The indices, in increasing order, of the `k` largest entries of `values` (0 ≤ k ≤ n).
    /// - Parameters:
    ///   - values: the n entries to select from.
    ///   - k: how many to keep.
    ///   - tieKeys: with ``CapTies/random``, a rank per index (a permutation of 0..<n); nil: the
    ///     index (lowest-index ties).
    ///   - order: scratch of length n (reused across calls to avoid allocation).
    ///   - selected: receives the k indices, in increasing order.
    public static func select(_ values: UnsafeBufferPointer<Double>, k: Int, tieKeys: [Int]? = nil,
                              order: inout [Int], into selected: inout [Int]) {
        let n = values.count
        precondition(k >= 0 && k <= n, "cap k = \(k) must be in 0…\(n)")
        if order.count != n { order = Array(0..<n) } else { for i in 0..<n { order[i] = i } }
        selected.removeAll(keepingCapacity: true)
        guard k > 0 else { return }
        if k < n {
            order.withUnsafeMutableBufferPointer { idx in
                if let keys = tieKeys {
                    keys.withUnsafeBufferPointer { key in
                        quickselect(idx, k: k) { a, b in values[a] > values[b] || (values[a] == values[b] && key[a] < key[b]) }
                    }
                } else {
                    quickselect(idx, k: k) { a, b in values[a] > values[b] || (values[a] == values[b] && a < b) }
                }
            }
        }
        selected.append(contentsOf: order[0..<k])
        selected.sort()
    }

    /// Rearranges `idx` so that its first k elements are the k first under `before` (a strict
    /// total order), in no particular order. Hoare partitions around the middle element's value.
    private static func quickselect(_ idx: UnsafeMutableBufferPointer<Int>, k: Int, before: (Int, Int) -> Bool) {
        var low = 0, high = idx.count - 1
        while low < high {
            let pivot = idx[low + (high - low) / 2]
            var i = low, j = high
            while i <= j {
                while before(idx[i], pivot) { i += 1 }
                while before(pivot, idx[j]) { j -= 1 }
                if i <= j {
                    idx.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Now idx[low...j] come before or equal the pivot, idx[i...high] after or equal.
            if k - 1 <= j { high = j } else if k - 1 >= i { low = i } else { return }
        }
    }
}
