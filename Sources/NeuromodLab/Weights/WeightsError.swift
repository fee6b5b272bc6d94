/// A weights file (`.npz`) that cannot be used: one line naming the file, the member (e.g.
/// `W1.npy`, empty for the archive itself) and what was wrong.
public struct WeightsError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let member: String
    public let message: String

    public init(file: String, member: String = "", message: String) {
        self.file = file
        self.member = member
        self.message = message
    }

    public var description: String {
        member.isEmpty ? "\(file): \(message)" : "\(file): \(member): \(message)"
    }
}
