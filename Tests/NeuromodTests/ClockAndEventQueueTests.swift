import Testing
@testable import Neuromod

@Suite struct ClockTests {
    /// Durations become the smallest whole number of steps that is not shorter (ceil), except that a
    /// quotient within 1e-9 of a whole number is that number (0.3 / 0.1 = 3.0000000000000004).
    @Test func durationsRoundUpToWholeStepsWithFloatingPointSlack() throws {
        let clock = try Clock(dt: 0.1)
        #expect(try clock.steps(for: 0) == 0)
        #expect(try clock.steps(for: 0.1) == 1)
        #expect(try clock.steps(for: 0.3) == 3)
        #expect(try clock.steps(for: 0.7) == 7)
        #expect(try clock.steps(for: 0.25) == 3)          // never earlier than asked
        #expect(try clock.steps(for: 0.2000001) == 3)     // 2.000001 steps: not within 1e-9, so ceil
        #expect(try clock.steps(for: 0.01) == 1)
        let ms = try Clock(dt: 0.001)
        #expect(try ms.steps(for: 0.5) == 500)
        #expect(try ms.steps(for: 2) == 2000)
        #expect(try ms.steps(for: 0.2) == 200)
    }

    @Test func timeIsStepTimesDt() throws {
        var clock = try Clock(dt: 0.001)
        #expect(clock.step == 0 && clock.time == 0)
        for _ in 0..<250 { clock.tick() }
        clock.advance(by: 750)
        #expect(clock.step == 1000)
        #expect(clock.time == 1000 * 0.001)
        #expect(clock.time(atStep: 3) == 3 * 0.001)
        clock.reset()
        #expect(clock.step == 0)
    }

    @Test func invalidStepsAndDurationsThrowNamingTheParameter() throws {
        for dt in [0, -0.001, .nan, .infinity] {
            #expect(throws: TraceError.self) { _ = try Clock(dt: dt) }
        }
        do {
            _ = try Clock(dt: 0)
            Issue.record("dt = 0 was accepted")
        } catch let error as TraceError {
            #expect(error.description == "dt: time step must be finite and > 0 seconds, got 0.0")
        }
        let clock = try Clock(dt: 0.01)
        for bad in [-0.01, .nan, .infinity] {
            #expect(throws: TraceError.self) { _ = try clock.steps(for: bad) }
        }
        do {
            _ = try clock.steps(for: -1)
            Issue.record("a negative duration was accepted")
        } catch let error as TraceError {
            #expect(error.description.hasPrefix("duration: expected a finite duration ≥ 0 seconds"))
        }
    }
}

@Suite struct EventQueueTests {
    /// Earlier due step first; equal steps in scheduling order; only events due by the step leave.
    @Test func popsDueEventsByStepThenFIFO() {
        var queue = EventQueue<String>()
        queue.schedule("c@5", atStep: 5)
        queue.schedule("a@3", atStep: 3)
        queue.schedule("d@5", atStep: 5)
        queue.schedule("late@9", atStep: 9)
        queue.schedule("b@3", atStep: 3)
        queue.schedule("e@5", atStep: 5)
        #expect(queue.count == 6)
        #expect(queue.nextDueStep == 3)

        var out: [String] = []
        #expect(queue.popDue(atStep: 2, into: &out) == 0)
        #expect(out.isEmpty)
        queue.popDue(atStep: 3, into: &out)
        #expect(out == ["a@3", "b@3"])
        out.removeAll()
        queue.popDue(atStep: 5, into: &out)
        #expect(out == ["c@5", "d@5", "e@5"])
        #expect(queue.count == 1 && queue.nextDueStep == 9)
        #expect(queue.popNext(dueBy: 8) == nil)
        let last = queue.popNext(dueBy: 9)
        #expect(last?.payload == "late@9" && last?.step == 9)
        #expect(queue.isEmpty && queue.nextDueStep == nil)
    }

    /// An event scheduled for a step already passed is popped next, before the current step's.
    @Test func overdueEventsLeaveFirst() {
        var queue = EventQueue<Int>()
        queue.schedule(1, atStep: 10)
        queue.schedule(2, atStep: 4)   // overdue when popped at step 10
        var out: [Int] = []
        queue.popDue(atStep: 10, into: &out)
        #expect(out == [2, 1])
    }

    /// Against a stable sort of many random events (fixed seed): the heap gives the same order.
    @Test func orderEqualsStableSortByStep() throws {
        let rng = try RandomGenerator(.taus2, seed: 11)
        var queue = EventQueue<Int>(capacity: 16)
        var reference: [(step: Int, id: Int)] = []
        var popped: [Int] = []
        var id = 0
        // Interleave scheduling and popping, as an engine does.
        for now in 0..<400 {
            for _ in 0..<rng.uniformInt(below: 6) {
                let due = now + rng.uniformInt(below: 30)
                queue.schedule(id, atStep: due)
                reference.append((due, id))
                id += 1
            }
            while let entry = queue.popNext(dueBy: now) {
                #expect(entry.step <= now)
                popped.append(entry.payload)
            }
        }
        while let entry = queue.popNext(dueBy: Int.max) { popped.append(entry.payload) }
        // Events are popped at max(due, schedule time) = due (due ≥ now when scheduled): a global
        // stable sort by due step is the expected order.
        let expected = reference.enumerated().sorted {
            $0.element.step != $1.element.step ? $0.element.step < $1.element.step : $0.offset < $1.offset
        }.map(\.element.id)
        #expect(popped == expected)
        #expect(popped.count == id)
    }

    @Test func delaysInSecondsUseTheClocksRounding() throws {
        var clock = try Clock(dt: 0.01)
        clock.advance(by: 10)
        var queue = EventQueue<SimulationEvent>()
        let due = try queue.schedule(.rewardDelivery(instance: 2, reward: 1.5), after: 0.025, on: clock)
        #expect(due == 13)
        try queue.schedule(.dopamineRelease(instance: 2, amount: 0.3), after: 0.03, on: clock)
        try queue.schedule(.action(instance: 0, action: 1), after: 0, on: clock)
        #expect(throws: TraceError.self) { try queue.schedule(.action(instance: 0, action: 1), after: -1, on: clock) }
        var out: [SimulationEvent] = []
        queue.popDue(atStep: 10, into: &out)
        #expect(out == [.action(instance: 0, action: 1)])
        out.removeAll()
        queue.popDue(atStep: 13, into: &out)
        // Both due at step 13 (0.025 s rounds up to 3 steps): in the order they were scheduled.
        #expect(out == [.rewardDelivery(instance: 2, reward: 1.5), .dopamineRelease(instance: 2, amount: 0.3)])
        #expect(out.map(\.instance) == [2, 2])
        #expect(SimulationEvent.stimulusOnset(instance: 4, stimulus: 1).instance == 4)
        #expect(SimulationEvent.stimulusOffset(instance: 5, stimulus: 1).instance == 5)
    }
}
