import Foundation
import Testing
@testable import NeuromodTasks

/// SHA-256 against the FIPS 180-4 examples, in one piece and fed in awkward pieces.
@Suite struct SHA256Tests {
    @Test func knownDigests() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func aMillionAsFedInUnevenPiecesGiveTheStandardDigest() {
        var hash = SHA256()
        var left = 1_000_000, piece = 1
        while left > 0 {
            let n = min(piece, left)
            hash.update([UInt8](repeating: UInt8(ascii: "a"), count: n))
            left -= n
            piece = piece * 3 % 1_000 + 1
        }
        #expect(hash.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func fileDigestEqualsInMemoryDigest() throws {
        let scratch = try TemporaryDirectory()
        defer { scratch.remove() }
        let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 >> 9) }
        let path = try scratch.write("x.bin", bytes)
        #expect(SHA256.hex(fileAt: path) == SHA256.hex(bytes))
    }
}
