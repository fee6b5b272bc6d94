/// A rejected experiment spec. The description is one line: file, field (a dotted path such as
/// `network.layers[1].size`), the line in the file when known, and what was expected.
public struct SpecError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let field: String
    public let line: Int?
    public let message: String

    public init(file: String, field: String, line: Int? = nil, message: String) {
        self.file = file
        self.field = field
        self.line = line
        self.message = message
    }

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return field.isEmpty ? "\(location): \(message)" : "\(location): \(field): \(message)"
    }
}
