/// A queue of payloads due at whole simulation steps, popped in a deterministic order.
///
/// Events leave in order of their due step, and events due at the same step in the order they were
/// scheduled (FIFO). The queue is a binary min-heap keyed by (due step, sequence number), where the
/// sequence number counts calls to `schedule`; schedule and pop cost O(log n). There are no timers:
/// the engine asks for the events due at its clock's current step.
///
/// | operation | cost | note |
/// |---|---|---|
/// | ``schedule(_:atStep:)`` | O(log n) | any step, also one already past |
/// | ``schedule(_:after:on:)`` | O(log n) | delay in seconds, rounded to steps by ``Clock/steps(for:)`` |
/// | ``popNext(dueBy:)`` | O(log n) | the first event due at or before a step, or nil |
/// | ``popDue(atStep:into:)`` | O(k log n) | every such event, appended in order |
///
/// An event scheduled for a step the caller has already passed is *overdue*; it is popped by the
/// next pop, before the events of the current step (it has the earlier due step).
public struct EventQueue<Payload> {
    /// One scheduled payload with its due step and its place in the FIFO order.
    public struct Entry {
        /// The step at which the payload is due.
        public let step: Int
        /// Position among all events ever scheduled in this queue (0, 1, 2, …): the FIFO tiebreak.
        public let sequence: UInt64
        /// What is due.
        public let payload: Payload

        /// `self` leaves the queue before `other`.
        @inline(__always) func precedes(_ other: Entry) -> Bool {
            step != other.step ? step < other.step : sequence < other.sequence
        }
    }

    private var heap: [Entry] = []
    private var nextSequence: UInt64 = 0

    /// An empty queue with room for `capacity` events before it grows.
    public init(capacity: Int = 0) { heap.reserveCapacity(capacity) }

    /// Number of events waiting.
    public var count: Int { heap.count }
    /// Whether no event is waiting.
    public var isEmpty: Bool { heap.isEmpty }
    /// The due step of the event that leaves next (nil when empty).
    public var nextDueStep: Int? { heap.first?.step }

    /// Schedules `payload` for step `step`.
    public mutating func schedule(_ payload: Payload, atStep step: Int) {
        heap.append(Entry(step: step, sequence: nextSequence, payload: payload))
        nextSequence += 1
        siftUp(heap.count - 1)
    }

    /// Schedules `payload` `seconds` after the clock's current step; the delay is converted to whole
    /// steps by ``Clock/steps(for:)`` (never earlier than asked). Returns the due step.
    /// - Throws: ``TraceError/invalidDuration(name:value:)`` for a negative, infinite or NaN delay.
    @discardableResult
    public mutating func schedule(_ payload: Payload, after seconds: Double, on clock: Clock) throws -> Int {
        let step = clock.step + (try Clock.steps(for: seconds, dt: clock.dt, name: "delay"))
        schedule(payload, atStep: step)
        return step
    }

    /// Removes and returns the first event due at or before `step` (nil if none is due).
    public mutating func popNext(dueBy step: Int) -> Entry? {
        guard let first = heap.first, first.step <= step else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return first
    }

    /// Removes every event due at or before `step` and appends their payloads to `out` in order
    /// (due step, then FIFO). Returns how many were appended. Allocates nothing when `out` has room.
    @discardableResult
    public mutating func popDue(atStep step: Int, into out: inout [Payload]) -> Int {
        var popped = 0
        while let entry = popNext(dueBy: step) {
            out.append(entry.payload)
            popped += 1
        }
        return popped
    }

    /// Removes every waiting event (the sequence numbering continues).
    public mutating func removeAll() { heap.removeAll(keepingCapacity: true) }

    private mutating func siftUp(_ index: Int) {
        var child = index
        let entry = heap[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard entry.precedes(heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = entry
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        let entry = heap[parent]
        let n = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < n else { break }
            let right = left + 1
            let child = right < n && heap[right].precedes(heap[left]) ? right : left
            guard heap[child].precedes(entry) else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = entry
    }
}

extension EventQueue: Sendable where Payload: Sendable {}
extension EventQueue.Entry: Sendable where Payload: Sendable {}
extension EventQueue.Entry: Equatable where Payload: Equatable {}
