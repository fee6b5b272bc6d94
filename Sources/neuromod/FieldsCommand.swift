import ArgumentParser
import NeuromodLab

struct FieldsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fields",
        abstract: "Print the spec field reference of every kind of study (Markdown; docs/spec-reference.md is this output).",
        discussion: """
        Generated from the study registry, where the parsers take their allowed fields from: a field \
        listed here is accepted, any other is refused.

        Example:
          neuromod fields > docs/spec-reference.md
        """)

    func run() throws {
        print(StudyRegistry.fieldReference(), terminator: "")
    }
}
