import Foundation
import Neuromod
import NeuromodTestSupport
import Testing
@testable import NeuromodLab

/// `--save-weights` files: the `.npy`/`.npz` bytes against hand-computed ones (what `np.save`
/// writes), a round trip, the done-when property (a saved network loads and gives the run's final
/// test loss exactly), and one-line errors for hostile files.
@Suite struct WeightsTests {
    /// A tiny network: 3 inputs, 2 linear outputs; W = [[0.5, 1, 1.5], [2, 2.5, 3]], b = [0.25, -1].
    static let tiny = SavedNetwork(sizes: [3, 2], activations: [.linear], parameters: [
        LayerParameters(weights: Matrix([[0.5, 1, 1.5], [2, 2.5, 3]]), bias: [0.25, -1]),
    ])

    static func hex(_ text: String) -> [UInt8] {
        stride(from: 0, to: text.count, by: 2).map { UInt8(text.dropFirst($0).prefix(2), radix: 16)! }
    }

    /// Magic, version 1.0, header length 118 (0x76) and the header padded to 128 bytes in all.
    static func npyHeader(_ dict: String) -> [UInt8] {
        [0x93] + Array("NUMPY".utf8) + [1, 0, 0x76, 0] + Array((dict + String(repeating: " ", count: 117 - dict.utf8.count) + "\n").utf8)
    }

    @Test func npyBytesAreWhatNumPyWrites() {
        // float64 little endian: 0.5 = 0x3FE0…, 1 = 0x3FF0…, 1.5 = 0x3FF8…, 2 = 0x4000…, 2.5 = 0x4004…, 3 = 0x4008….
        #expect([UInt8](NPY.encode(Self.tiny.parameters[0].weights.storage, shape: [2, 3]))
            == Self.npyHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }")
            + Self.hex("000000000000e03f000000000000f03f000000000000f83f000000000000004000000000000004400000000000000840"))
        #expect([UInt8](NPY.encode([0.25, -1], shape: [2]))
            == Self.npyHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }") + Self.hex("000000000000d03f000000000000f0bf"))
        #expect([UInt8](NPY.encode([3, 2] as [Int64]))
            == Self.npyHeader("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }") + Self.hex("03000000000000000200000000000000"))
        // UTF-32 little endian, one code point per 4 bytes.
        #expect([UInt8](NPY.encode(["linear"]))
            == Self.npyHeader("{'descr': '<U6', 'fortran_order': False, 'shape': (1,), }") + Self.hex("6c000000690000006e000000650000006100000072000000"))
    }

    @Test func zipBytesAreHandComputed() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926, "the standard check value")
        let crc = Self.hex("ac2a93d8")  // CRC-32("hi") = 0xD8932AAC
        let local = Self.hex("504b0304" + "1400" + "0000" + "0000" + "0000" + "2100") + crc + Self.hex("02000000" + "02000000" + "0100" + "0000") + Array("xhi".utf8)
        let central = Self.hex("504b0102" + "1400" + "1400" + "0000" + "0000" + "0000" + "2100") + crc
            + Self.hex("02000000" + "02000000" + "0100" + "0000" + "0000" + "0000" + "0000" + "00000000" + "00000000") + Array("x".utf8)
        // 33 bytes of local entry, then a 47-byte directory at offset 33.
        let end = Self.hex("504b0506" + "0000" + "0000" + "0100" + "0100" + "2f000000" + "21000000" + "0000")
        #expect([UInt8](StoredZip.archive([("x", Data("hi".utf8))])) == local + central + end)
    }

    @Test func aNetworkRoundTrips() throws {
        let bytes = [UInt8](Self.tiny.npz())
        #expect(try StoredZip.members(of: bytes, file: "t.npz").keys.sorted() == ["W0.npy", "activations.npy", "b0.npy", "sizes.npy"])
        #expect(try SavedNetwork.decode(bytes, file: "t.npz", sizes: [3, 2], activations: [.linear]) == Self.tiny)
        let deep = SavedNetwork(sizes: [1, 3, 2], activations: [.leakyReLU(slope: 0.2), .softmax], parameters: [
            LayerParameters(weights: Matrix([[1], [-0.0], [.pi]]), bias: [0, 1e-300, -2]),
            LayerParameters(weights: Matrix([[1, 2, 3], [4, 5, 6]]), bias: [7, 8]),
        ])
        #expect(try SavedNetwork.decode([UInt8](deep.npz()), file: "d.npz", sizes: [1, 3, 2], activations: [.leakyReLU(slope: 0.2), .softmax]) == deep)
    }

    /// A small table task (the housing fixture: 5 rows, 2 of them for testing) trained with backprop
    /// and saved; the saved network of each run, loaded through `network.initial_weights`, gives
    /// exactly the final test loss the run recorded.
    @Test func aSavedNetworkLoadsAndGivesTheSameTestLoss() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("neuromod-weights-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let spec = """
            name: weights
            seed: 3
            runs: 2
            output: out
            task: {kind: table, path: \(TestData.packageRoot.path)/Tests/Fixtures/fuzz/csv/seed-housing.csv, targets: [MedHouseVal], test_fraction: 0.4}
            network:
              input: 8
              layers: [{size: 4, activation: tanh}, {size: 1, activation: linear}]
            training: {batch_size: 2, epochs: 3}
            methods: [{name: "BP, eta 0.1", rule: backprop, learning_rate: 0.1}]
            """
        var runner = try Runner(spec: ExperimentSpec.parse(spec, file: "weights.yaml"))
        runner.keepsFinalNetworks = true
        let result = try runner.run(jobs: 2)
        try ResultFolder(folder.appendingPathComponent("out").path).write(ResultWriter.files(of: result, specText: spec))
        let index = try String(contentsOf: folder.appendingPathComponent("out/weights/index.csv"), encoding: .utf8)
        #expect(index == "method,cell,run,file\n\"BP, eta 0.1\",,0,bp-eta-0-1-run-0.npz\n\"BP, eta 0.1\",,1,bp-eta-0-1-run-1.npz\n")
        for run in 0..<2 {
            let saved = "out/weights/bp-eta-0-1-run-\(run).npz"
            let reloaded = try Runner(spec: ExperimentSpec.parse(spec.replacingOccurrences(of: "  input: 8", with: "  input: 8\n  initial_weights: \(saved)"),
                                                                 file: folder.appendingPathComponent("w.yaml").path,
                                                                 resolveData: StudyRegistry.dataResolver(specPath: folder.appendingPathComponent("w.yaml").path, dataDirectory: "")))
            // Any run of the reloaded spec starts from the saved network, evaluated before training.
            let testLoss = try #require(reloaded.testLoss(of: reloaded.initialNetwork(run: 1 - run), method: reloaded.spec.methods[0]))
            #expect(testLoss == result.summaries[0].finalTestLoss[run], "run \(run): bit for bit")
            let untrained = runner.testLoss(of: try runner.initialNetwork(run: 1 - run), method: runner.spec.methods[0])
            #expect(testLoss.isFinite && testLoss != untrained, "the saved weights, not the spec's initializer")
        }
    }
}
