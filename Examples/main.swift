// The README's library examples, using only Neuromod's public API (a consumer package builds the
// same files against a tagged clone: scripts/consumer-check.sh).
//
//     swift run neuromod-examples [preset|declared|gradcheck]...   (default: all three)
//
// Prints a few lines per example, then `examples: ok`; exits 1 if an example's check fails.
import Foundation

let examples: [(name: String, run: () throws -> Bool)] = [
    ("preset", TrainWithPreset.run), ("declared", DeclareRule.run), ("gradcheck", CheckGradient.run),
]
let asked = CommandLine.arguments.dropFirst()
if let unknown = asked.first(where: { name in !examples.contains { $0.name == name } }) {
    FileHandle.standardError.write(Data("unknown example '\(unknown)'; examples: preset, declared, gradcheck\n".utf8))
    exit(2)
}
var failed: [String] = []
for example in examples where asked.isEmpty || asked.contains(example.name) {
    do {
        if try !example.run() { failed.append(example.name) }
    } catch {
        FileHandle.standardError.write(Data("\(example.name): \(error)\n".utf8))
        failed.append(example.name)
    }
}
print(failed.isEmpty ? "examples: ok" : "examples: failed: \(failed.joined(separator: ", "))")
exit(failed.isEmpty ? 0 : 1)
