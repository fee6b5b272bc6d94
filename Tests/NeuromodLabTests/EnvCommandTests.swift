import Foundation
import Testing

/// End-to-end tests of `neuromod env`: the built executable replays actions and prints CSV (see
/// CommandLineSupport.swift for how it is found and run).
@Suite("neuromod env")
struct EnvCommandTests {
    /// Runs `neuromod env …` in a fresh scratch folder.
    func env(_ arguments: [String]) throws -> CLIRunResult {
        let scratch = try CLIScratchDirectory()
        defer { scratch.remove() }
        return try NeuromodCLI.run(["env"] + arguments, in: scratch.cwd)
    }

    /// Exit status `status` (1 for an error, 2 for a usage error), nothing on stdout, and one stderr
    /// line `Error: …` containing every fragment.
    func expectOneLineError(_ result: CLIRunResult, status: Int32 = 1, containing fragments: [String],
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)", sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1 && result.errorLines.count == 1, "stderr: \(result.stderr)",
                sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(result.stderr.contains(fragment), "'\(fragment)' missing from: \(result.stderr)",
                    sourceLocation: sourceLocation)
        }
    }

    /// The CartPole trajectory of Tests/NeuromodTasksTests/CartPoleTests.swift (Gymnasium's numbers,
    /// `scripts/gymnasium_crosscheck.py`), printed with 17 significant digits.
    @Test func replaysCartPoleFromAState() throws {
        let result = try env(["cartpole", "--state", "0.01,-0.02,0.03,0.04", "--actions", "1,0,0,1,1"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
        #expect(result.stdout == """
            step,action,x,x_dot,theta,theta_dot,reward,terminated,truncated
            0,,0.01,-0.02,0.029999999999999999,0.040000000000000001,,false,false
            1,1,0.0096000000000000009,0.17467919574755525,0.030799999999999998,-0.24306871796000809,1,false,false
            2,0,0.013093583914951107,-0.020868848948191993,0.025938625640799837,0.059167999939416599,1,false,false
            3,0,0.012676206935987267,-0.21635292104612766,0.027121985639588168,0.35992057137841382,1,false,false
            4,1,0.0083491485150647138,-0.021626799199488206,0.034320397067156443,0.075911698947444095,1,false,false
            5,1,0.0079166125310749496,0.17298676004769037,0.035838631046105324,-0.20574851582677406,1,false,false

            """)
        // 17 significant digits read back to Gymnasium's doubles exactly.
        let last = result.stdout.split(separator: "\n").last!.split(separator: ",").dropFirst(2).prefix(4)
        #expect(last.map { Double($0)! } == [0.00791661253107495, 0.17298676004769037, 0.035838631046105324,
                                             -0.20574851582677406])
    }

    /// A negative first value after `--state` is a value, not an option; the replay stops where the
    /// episode terminates and says so on stderr.
    @Test func stopsAtTerminationWithANote() throws {
        let result = try env(["acrobot", "--state", "-3,0.2,-14,30", "--actions", "0,0,1,2"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == """
            step,action,theta1,theta2,theta1_dot,theta2_dot,reward,terminated,truncated
            0,,-3,0.20000000000000001,-14,30,,false,false
            1,0,0.6132113258979075,-0.482887403304189,-12.566370614359172,26.733362804369694,-1,false,false
            2,0,-1.7046289449326064,-1.882917437851491,-8.6613931172733647,17.706618769113209,0,true,false

            """)
        #expect(result.stderrLines == ["note: the episode terminated at step 2; 2 later actions ignored"])
    }

    @Test func seedDrawsTheInitialStateDeterministically() throws {
        let first = try env(["cue-delay-reward", "--seed", "9", "--actions", "0,1,0",
                             "--option", "cue_duration=0", "--option", "delay=0.02", "--option", "distractors=2"])
        let second = try env(["cue-delay-reward", "--seed", "9", "--actions", "0,1,0",
                              "--option", "cue_duration=0", "--option", "delay=0.02", "--option", "distractors=2"])
        #expect(first.status == 0 && first.stdout == second.stdout, "\(first)")
        let rows = first.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.first == ["step", "action", "cue", "elapsed", "choice", "reward", "terminated", "truncated"])
        // Go step at index 0 (no cue phase), reward two steps later: header, initial row and 3 steps,
        // the last of which terminates.
        #expect(rows.count == 5 && rows[4][6] == "true" && rows[3][6] == "false")
        let cue = Int(rows[1][2])!
        #expect(rows[4][5] == (cue == 0 ? "1" : "0"))  // action 0 at the go step is right for cue 0
        let cartPole = try env(["cartpole", "--seed", "4", "--actions", ""])
        let initial = cartPole.stdout.split(separator: "\n")[1].split(separator: ",").dropFirst().prefix(4)
        #expect(initial.count == 4 && initial.allSatisfy { abs(Double($0)!) < 0.05 }, "\(cartPole)")
    }

    @Test func unknownEnvironmentIsOneLine() throws {
        expectOneLineError(try env(["pendulum", "--seed", "1", "--actions", "1"]),
                           containing: ["unknown environment 'pendulum'", "cartpole, acrobot, reaching, cue-delay-reward"])
    }

    @Test func wrongStateLengthIsOneLine() throws {
        expectOneLineError(try env(["cartpole", "--state", "1,2", "--actions", "1"]),
                           containing: ["cartpole: state = [1.0, 2.0] is invalid", "4 values (x, x_dot, theta, theta_dot)"])
        expectOneLineError(try env(["cartpole", "--state", "1,x,3,4", "--actions", "1"]), status: 2,
                           containing: ["--state expects comma-separated numbers, got 'x'"])
    }

    @Test func outOfRangeActionIsOneLine() throws {
        expectOneLineError(try env(["cartpole", "--state", "0,0,0,0", "--actions", "1,0,2"]), status: 2,
                           containing: ["--actions: '2' (item 3) is not an action of cartpole", "0 to 1"])
        expectOneLineError(try env(["acrobot", "--seed", "1", "--actions", "-1"]), status: 2,
                           containing: ["--actions: '-1' (item 1) is not an action of acrobot", "0 to 2"])
    }

    @Test func missingStateAndSeedAndBadOptionsAreOneLine() throws {
        expectOneLineError(try env(["reaching", "--actions", "1"]), status: 2, containing: ["--state", "--seed"])
        expectOneLineError(try env(["reaching", "--seed", "1", "--actions", "1", "--option", "velocity=2"]),
                           containing: ["reaching: unknown option 'velocity'; options: dt, speed, steps, bound"])
        expectOneLineError(try env(["reaching", "--seed", "1", "--actions", "1", "--option", "speed"]), status: 2,
                           containing: ["--option expects key=value, got 'speed'"])
        expectOneLineError(try env(["cue-delay-reward", "--seed", "1", "--actions", "1", "--option", "delay=-1"]),
                           containing: ["cue-delay-reward: delay = -1.0 is invalid"])
        expectOneLineError(try env(["cue-delay-reward", "--state", "0,0,-1", "--actions", "1", "--option", "distractors=2"]), status: 2,
                           containing: ["random stream", "--seed"])
    }
}
