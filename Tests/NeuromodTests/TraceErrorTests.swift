import Testing
@testable import Neuromod

/// Bad time parameters are refused with a message naming the parameter, its unit and what was expected.
@Suite struct TraceErrorTests {
    private func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as TraceError {
            return error.description
        } catch {
            return "not a TraceError: \(error)"
        }
    }

    @Test func kernelParametersAreChecked() {
        let cases: [(TraceKernel, String)] = [
            (.exponential(tau: 0), "tau: time constant must be finite and > 0 seconds, got 0.0"),
            (.exponential(tau: -0.2), "tau: time constant must be finite and > 0 seconds, got -0.2"),
            (.exponential(tau: .infinity), "tau: time constant must be finite and > 0 seconds, got inf"),
            (.riseDecay(rise: 0, decay: 0.1), "rise: time constant must be finite and > 0 seconds, got 0.0"),
            (.riseDecay(rise: 0.01, decay: -1), "decay: time constant must be finite and > 0 seconds, got -1.0"),
            (.riseDecay(rise: 0.2, decay: 0.2), "riseDecay: rise (0.2 s) must be shorter than decay (0.2 s)"),
            (.riseDecay(rise: 0.3, decay: 0.2), "riseDecay: rise (0.3 s) must be shorter than decay (0.2 s)"),
            (.window(start: 2, end: 0.5), "window: expected finite bounds with 0 ≤ start < end seconds, got start 2.0, end 0.5"),
            (.window(start: 1, end: 1), "window: expected finite bounds with 0 ≤ start < end seconds, got start 1.0, end 1.0"),
            (.window(start: -0.1, end: 1), "window: expected finite bounds with 0 ≤ start < end seconds, got start -0.1, end 1.0"),
            (.window(start: 0.011, end: 0.015),
             "window: [0.011 s, 0.015 s) covers no whole step at dt 0.01 s (lags 2..<2 steps); widen the window or shorten dt"),
        ]
        for (kernel, expected) in cases {
            #expect(message { try kernel.validate(dt: 0.01) } == expected)
            #expect(message { _ = try EligibilityTrace(kernel: kernel, dt: 0.01, synapseCount: 1) } == expected)
            #expect(message { _ = try TraceDopamineIntegrator(kernel: kernel, dt: 0.01, dopamineTau: 1) } == expected)
        }
        for kernel in testKernels + [.window(start: 0.5, end: 2)] { #expect(message { try kernel.validate(dt: 0.01) } == nil) }
    }

    @Test func timeStepAndCountsAreChecked() {
        for dt in [0.0, -0.001] {
            let expected = "dt: time step must be finite and > 0 seconds, got \(dt)"
            #expect(message { _ = try EligibilityTrace(kernel: .episodeSum, dt: dt, synapseCount: 1) } == expected)
            #expect(message { _ = try LazyEligibilityTrace(kernel: .exponential(tau: 1), dt: dt, synapseCount: 1) } == expected)
            #expect(message { _ = try Clock(dt: dt) } == expected)
        }
        #expect(message { _ = try EligibilityTrace(kernel: .episodeSum, dt: 0.1, instances: 0, synapseCount: 1) }
                == "instances: expected a positive count, got 0")
        #expect(message { _ = try LazyEligibilityTrace(kernel: .episodeSum, dt: 0.1, synapseCount: -3) }
                == "synapseCount: expected a positive count, got -3")
        #expect(message { _ = try TraceDopamineIntegrator(kernel: .episodeSum, dt: 0.1, dopamineTau: -2) }
                == "dopamineTau: time constant must be > 0 seconds (.infinity for no decay), got -2.0")
    }
}
