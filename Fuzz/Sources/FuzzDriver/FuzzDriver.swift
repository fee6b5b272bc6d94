import Foundation
import NeuromodFuzzing

/// libFuzzer's own driver (in libclang_rt.fuzzer, linked by `-sanitize=fuzzer`): parses the
/// command line (`-max_total_time=…`, corpus folders) and calls `callback` once per input.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

nonisolated(unsafe) private var target = FuzzEntry.spec

/// Runs libFuzzer on `entry` with this process's arguments and exits with its status.
///
/// SwiftPM gives each executable its own `main` (renamed, for `swift test`), so libFuzzer's `main`
/// cannot be used; its driver is called from ours instead.
public func runFuzzer(_ entry: FuzzEntry) -> Never {
    target = entry
    var argc = CommandLine.argc
    var argv = Optional(CommandLine.unsafeArgv)
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        guard let data else { return target.fuzz(UnsafePointer(bitPattern: 1)!, 0) }
        return target.fuzz(data, size)
    }
    exit(status)
}
