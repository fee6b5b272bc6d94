import Foundation
import Neuromod
import Testing
@testable import NeuromodLab

/// Hostile weights files: each refusal is one line naming the file and the member, and no input —
/// truncated, corrupted, mislabelled — crashes the loader.
@Suite struct WeightsErrorTests {
    let tiny = WeightsTests.tiny

    /// The message loading `bytes` as the tiny network (3 inputs, 2 linear outputs) gives.
    func message(_ bytes: [UInt8], sizes: [Int] = [3, 2], activations: [Activation] = [.linear]) -> String {
        do {
            _ = try SavedNetwork.decode(bytes, file: "w.npz", sizes: sizes, activations: activations)
            return "loaded"
        } catch {
            return "\(error)"
        }
    }

    /// The tiny network's archive with member `name` replaced by `data`.
    func replacing(_ name: String, with data: Data) -> [UInt8] {
        [UInt8](StoredZip.archive([("sizes.npy", NPY.encode([3, 2] as [Int64])), ("activations.npy", NPY.encode(["linear"])),
                                   (name, data), name == "b0.npy" ? ("W0.npy", NPY.encode([1, 2, 3, 4, 5, 6], shape: [2, 3])) : ("b0.npy", NPY.encode([0, 0], shape: [2]))]))
    }

    @Test func aTruncatedFileIsRefused() {
        let bytes = [UInt8](tiny.npz())
        #expect(message(Array(bytes.prefix(bytes.count / 2))) == "w.npz: truncated or corrupt zip archive (no end record)")
        // Every prefix and every single corrupted byte: an error, never a crash.
        for n in 0..<bytes.count { #expect(message(Array(bytes.prefix(n))) != "loaded") }
        for i in stride(from: 0, to: bytes.count, by: 3) {
            var corrupt = bytes
            corrupt[i] ^= 0x5A
            _ = message(corrupt)
        }
    }

    @Test func aWrongShapeIsRefused() {
        #expect(message(replacing("W0.npy", with: NPY.encode([1, 2, 3, 4, 5, 6], shape: [3, 2])))
            == "w.npz: W0.npy: shape (3, 2), expected (2, 3) from the spec's network")
        #expect(message([UInt8](tiny.npz()), sizes: [3, 4]) == "w.npz: sizes.npy: layer sizes [3, 2], the spec's network has [3, 4]")
        #expect(message([UInt8](tiny.npz()), sizes: [3, 4, 2], activations: [.linear, .linear])
            == "w.npz: sizes.npy: shape (2,), expected (3,) from the spec's network")
        #expect(message([UInt8](tiny.npz()), activations: [.tanh])
            == "w.npz: activations.npy: activations [\"linear\"], the spec's network has [\"tanh\"]")
    }

    @Test func aWrongDtypeIsRefused() {
        #expect(message(replacing("b0.npy", with: NPY.encode([0, 0] as [Int64]))) == "w.npz: b0.npy: dtype '<i8', expected '<f8'")
        var single = [UInt8](NPY.encode([1, 2, 3, 4, 5, 6], shape: [2, 3]))
        single.replaceSubrange(single.indices.prefix(10 + 14).suffix(3), with: Array("<f4".utf8))
        #expect(message(replacing("W0.npy", with: Data(single)))
            == "w.npz: W0.npy: dtype '<f4' is not float64 ('<f8'), int64 ('<i8') or a short string ('<U…')")
    }

    @Test func aFileThatIsNotAZipIsRefused() throws {
        #expect(message(Array("name: spec\nseed: 1\n".utf8)) == "w.npz: not a zip archive (an .npz written by --save-weights or np.savez)")
        #expect(message([]) == "w.npz: not a zip archive (an .npz written by --save-weights or np.savez)")
        #expect(message(replacing("W0.npy", with: Data("not an array".utf8))) == "w.npz: W0.npy: not a .npy array (bad magic)")
        #expect(throws: WeightsError(file: "/nonexistent/w.npz", message: "cannot read the weights file (missing or not a regular file)")) {
            try SavedNetwork.load(path: "/nonexistent/w.npz", sizes: [3, 2], activations: [.linear])
        }
    }

    @Test func aMissingMemberOrMalformedHeaderIsNamed() {
        let noBias = [UInt8](StoredZip.archive([("sizes.npy", NPY.encode([3, 2] as [Int64])), ("activations.npy", NPY.encode(["linear"])),
                                                 ("W0.npy", NPY.encode([1, 2, 3, 4, 5, 6], shape: [2, 3]))]))
        #expect(message(noBias) == "w.npz: b0.npy: missing from the archive")
        var header = [UInt8](NPY.encode([0, 0], shape: [2]))
        header[10] = UInt8(ascii: "[")
        #expect(message(replacing("b0.npy", with: Data(header))).hasPrefix("w.npz: b0.npy: malformed header"))
        // A header claiming a huge shape is refused from the data length, before anything is allocated.
        let huge = NPY.header(.float64, shape: [2, 3_000_000_000]) + Data(count: 48)
        #expect(message(replacing("W0.npy", with: huge))
            == "w.npz: W0.npy: holds 48 data bytes; shape (2, 3000000000) of <f8 needs 48000000000 (truncated?)")
    }

    @Test func aWeightsFileLargerThanTheNetworkNeedsIsRefusedUnread() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("neuromod-big-\(UUID().uuidString).npz").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(count: 2 << 20).write(to: URL(fileURLWithPath: path))
        #expect(throws: WeightsError(file: path, message: "2097152 bytes; a network of sizes [3, 2] needs about 64, the limit is 1048672")) {
            try SavedNetwork.load(path: path, sizes: [3, 2], activations: [.linear])
        }
    }
}
