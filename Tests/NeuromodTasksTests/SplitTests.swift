import Neuromod
import Testing
@testable import NeuromodTasks

@Suite struct SplitTests {
    /// 103 samples whose input is the sample index and whose target is twice it.
    let data = Dataset(name: "d", inputs: Matrix(rows: 103, cols: 1, storage: (0..<103).map(Double.init)),
                       targets: Matrix(rows: 103, cols: 1, storage: (0..<103).map { 2 * Double($0) }),
                       inputNames: ["i"], targetNames: ["t"])

    @Test func sizesDisjointAndCovering() throws {
        let split = try splitTrainTest(data, testFraction: 0.25, seed: 42)
        let test = try #require(split.test)
        #expect(test.count == 26)  // ⌈0.25 · 103⌉
        #expect(split.train.count == 77)
        let trainIndices = split.train.inputs.storage.map(Int.init), testIndices = test.inputs.storage.map(Int.init)
        #expect(Set(trainIndices).isDisjoint(with: testIndices))
        #expect(Set(trainIndices + testIndices) == Set(0..<103))
        #expect(split.train.targets.storage == split.train.inputs.storage.map { 2 * $0 })  // rows kept whole
        #expect(test.targets.storage == test.inputs.storage.map { 2 * $0 })
    }

    @Test func deterministicPerSeedAndUsesTheDocumentedStream() throws {
        let a = try splitTrainTest(data, testFraction: 0.3, seed: 5)
        let b = try splitTrainTest(data, testFraction: 0.3, seed: 5)
        let c = try splitTrainTest(data, testFraction: 0.3, seed: 6)
        #expect(a.train == b.train && a.test == b.test)
        #expect(a.test != c.test)
        let order = try RandomGenerator(.mt19937, seed: 5, stream: TaskRandomStreams.trainTestSplit).permutation(103)
        #expect(a.test!.inputs.storage == order[..<31].map(Double.init))
        #expect(a.train.inputs.storage == order[31...].map(Double.init))
    }

    @Test func zeroFractionKeepsEverythingForTraining() throws {
        let split = try splitTrainTest(data, testFraction: 0, seed: 1)
        #expect(split.test == nil)
        #expect(split.train == data)
    }

    @Test(arguments: [-0.1, 1, 1.5, .nan, 0.995])
    func invalidFractionsAreRejected(_ fraction: Double) throws {
        #expect(throws: TaskError.self) { try splitTrainTest(data, testFraction: fraction, seed: 1) }
    }
}
