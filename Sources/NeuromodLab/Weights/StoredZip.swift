import Foundation

/// Zip archives whose members are stored (not compressed) — the container of NumPy's `.npz`.
///
/// Writing: local file headers, the data, a central directory and the end record (no zip64, no
/// data descriptors), version 2.0, every member dated 1980-01-01 00:00 so the same members give the
/// same bytes. Reading accepts what ``archive(_:)`` and NumPy's `np.savez` write: member offsets and
/// sizes come from the central directory (NumPy's local headers carry zip64 placeholders); every
/// offset and size is checked against the file before use, compressed members (`np.savez_compressed`),
/// zip64 archives and archives over 4 GB are refused, and each member's CRC-32 is verified.
enum StoredZip {
    /// The archive of `members` (names in ASCII, each under 64 KB; data under 4 GB), in order.
    static func archive(_ members: [(name: String, data: Data)]) -> Data {
        var out = Data(), directory = Data()
        for member in members {
            let name = Data(member.name.utf8), crc = CRC32.checksum(member.data), offset = UInt32(out.count)
            let size = UInt32(member.data.count)
            // Local file header: signature, version 2.0, flags 0, method 0 (stored), time, date.
            out.append(le32(0x0403_4B50)); out.append(le16(20)); out.append(le16(0)); out.append(le16(0))
            out.append(le16(0)); out.append(le16(0x21))
            out.append(le32(crc)); out.append(le32(size)); out.append(le32(size))
            out.append(le16(UInt16(name.count))); out.append(le16(0)); out.append(name)
            out.append(member.data)
            // Central directory entry: made by 2.0, needs 2.0, no comment, no attributes.
            directory.append(le32(0x0201_4B50)); directory.append(le16(20)); directory.append(le16(20))
            directory.append(le16(0)); directory.append(le16(0)); directory.append(le16(0)); directory.append(le16(0x21))
            directory.append(le32(crc)); directory.append(le32(size)); directory.append(le32(size))
            directory.append(le16(UInt16(name.count))); directory.append(le16(0)); directory.append(le16(0))
            directory.append(le16(0)); directory.append(le16(0)); directory.append(le32(0)); directory.append(le32(offset))
            directory.append(name)
        }
        let directoryOffset = UInt32(out.count)
        out.append(directory)
        out.append(le32(0x0605_4B50)); out.append(le16(0)); out.append(le16(0))
        out.append(le16(UInt16(members.count))); out.append(le16(UInt16(members.count)))
        out.append(le32(UInt32(directory.count))); out.append(le32(directoryOffset)); out.append(le16(0))
        return out
    }

    /// The members of the archive `bytes` (read from `file`): name → byte range of its data.
    /// Anything malformed is a ``WeightsError`` naming the file (and the member once known).
    static func members(of bytes: [UInt8], file: String) throws -> [String: Range<Int>] {
        func fail(_ message: String, _ member: String = "") -> WeightsError { WeightsError(file: file, member: member, message: message) }
        let notZip = "not a zip archive (an .npz written by --save-weights or np.savez)"
        let startsLikeZip = bytes.count >= 4 && u32(bytes, 0) == 0x0403_4B50
        guard bytes.count < 1 << 32 else { throw fail("larger than 4 GB") }
        // The end record is the last 22 bytes, unless the archive has a comment (≤ 65535 bytes).
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        guard bytes.count >= 22,
              let end = stride(from: bytes.count - 22, through: lowest, by: -1).first(where: { u32(bytes, $0) == 0x0605_4B50 }) else {
            throw fail(startsLikeZip ? "truncated or corrupt zip archive (no end record)" : notZip)
        }
        let count = Int(u16(bytes, end + 10)), directorySize = Int(u32(bytes, end + 12)), directoryOffset = Int(u32(bytes, end + 16))
        guard count != 0xFFFF, directoryOffset != 0xFFFF_FFFF else { throw fail("a zip64 archive; only archives under 4 GB are read") }
        guard directoryOffset + directorySize <= end else { throw fail("truncated or corrupt: the central directory lies outside the file") }
        var members: [String: Range<Int>] = [:], at = directoryOffset
        for _ in 0..<count {
            guard at + 46 <= end, u32(bytes, at) == 0x0201_4B50 else { throw fail("corrupt central directory at byte \(at)") }
            let method = u16(bytes, at + 10), crc = u32(bytes, at + 16), size = Int(u32(bytes, at + 20))
            let nameLength = Int(u16(bytes, at + 28)), extra = Int(u16(bytes, at + 30)), comment = Int(u16(bytes, at + 32))
            let local = Int(u32(bytes, at + 42))
            guard at + 46 + nameLength <= end else { throw fail("corrupt central directory at byte \(at)") }
            let name = String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            guard method == 0 else { throw fail("compressed (zip method \(method)); save with np.savez, not np.savez_compressed", name) }
            guard local + 30 <= bytes.count, u32(bytes, local) == 0x0403_4B50 else { throw fail("its local header is missing (truncated or corrupt file)", name) }
            let start = local + 30 + Int(u16(bytes, local + 26)) + Int(u16(bytes, local + 28))
            guard size != 0xFFFF_FFFF, start + size <= bytes.count else { throw fail("its data runs past the end of the file (truncated?)", name) }
            guard CRC32.checksum(bytes[start..<(start + size)]) == crc else { throw fail("CRC-32 mismatch (corrupt file)", name) }
            members[name] = start..<(start + size)
            at += 46 + nameLength + extra + comment
        }
        return members
    }

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func u32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(u16(b, i)) | UInt32(u16(b, i + 2)) << 16 }
    static func le16(_ v: UInt16) -> Data { Data([UInt8(v & 0xFF), UInt8(v >> 8)]) }
    static func le32(_ v: UInt32) -> Data { le16(UInt16(v & 0xFFFF)) + le16(UInt16(v >> 16)) }
}
