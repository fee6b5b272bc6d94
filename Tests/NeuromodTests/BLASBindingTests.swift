#if os(Linux)
import Foundation
import Testing
import Neuromod

/// GSL's BLAS calls and Neuromod's own must run on OpenBLAS, not on the reference CBLAS that libgsl
/// itself depends on (libgslcblas, 8–15× slower here). Both libraries define `cblas_dgemm`; the
/// dynamic linker binds libgsl's and Neuromod's calls to the first definition in the process's
/// global search order (executable, then its libraries breadth first), which is what
/// `dlsym(RTLD_DEFAULT, …)` returns. Sources/CGSL/module.modulemap sets that order by linking
/// `gsl` then `openblas` by hand (`pkgConfig: "gsl"` would put `-lgslcblas` first and it would win
/// silently). Fails if the order breaks, e.g. under `LD_PRELOAD=libgslcblas.so.0`. Linux only
/// (/proc, LD_DEBUG); macOS has no libgslcblas-versus-OpenBLAS question of this kind.
@Suite struct BLASBindingTests {
    /// The symbols GSL's `gsl_blas_*` and Neuromod's `Matrix.gemm` call.
    static let symbols = ["cblas_dgemm", "cblas_dgemv", "cblas_ddot", "cblas_daxpy"]

    /// The file that defines the global-scope definition of `symbol`: the mapping of
    /// /proc/self/maps that holds its address (dladdr is a GNU extension Swift does not import).
    /// Nil: not defined in the process, or in no file.
    static func definingLibrary(_ symbol: String) -> String? {
        guard let address = dlsym(nil, symbol) else { return nil }  // nil handle = RTLD_DEFAULT
        let target = UInt(bitPattern: address)
        // Read to the end: /proc files report size 0, which String(contentsOfFile:) trusts.
        guard let file = FileHandle(forReadingAtPath: "/proc/self/maps") else { return nil }
        let maps = file.readDataToEndOfFile()
        for line in String(decoding: maps, as: UTF8.self).split(separator: "\n") {
            // start-end perms offset dev inode [path]
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            let bounds = fields[0].split(separator: "-").compactMap { UInt($0, radix: 16) }
            if fields.count >= 6, bounds.count == 2, bounds[0] <= target, target < bounds[1] {
                return fields[5...].joined(separator: " ")
            }
        }
        return nil
    }

    @Test(arguments: symbols) func cblasResolvesToOpenBLAS(symbol: String) throws {
        _ = try RandomGenerator(seed: 0)  // libgsl is loaded (it is linked; this also uses it)
        let library = try #require(Self.definingLibrary(symbol), "\(symbol) is not defined in the process")
        #expect(library.contains("openblas"), "\(symbol) binds to \(library), not OpenBLAS")
    }

    /// The check discriminates: libgsl's own dependency libgslcblas is loaded too, and defines a
    /// different `cblas_dgemm` — the one the binding would fall to with the wrong link order.
    @Test func referenceCBLASIsLoadedButNotBound() throws {
        guard let handle = dlopen("libgslcblas.so.0", RTLD_NOW | RTLD_NOLOAD) else {
            return  // a GSL built without its own CBLAS: nothing to compete with
        }
        defer { dlclose(handle) }
        let reference = try #require(dlsym(handle, "cblas_dgemm"))
        let bound = try #require(dlsym(nil, "cblas_dgemm"))
        #expect(reference != bound, "cblas_dgemm binds to libgslcblas")
    }

    /// What the dynamic linker itself reports: this test binary run again with every symbol bound
    /// at start (`LD_BIND_NOW=1 LD_DEBUG=bindings`, listing its tests and exiting), and each line
    /// `binding file …/libgsl.so… to …: normal symbol `cblas_dgemm'` read off its stderr.
    @Test func libgslBindsItsCBLASCallsToOpenBLAS() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        process.arguments = ["--list-tests"]
        var environment = ProcessInfo.processInfo.environment
        environment["LD_BIND_NOW"] = "1"
        environment["LD_DEBUG"] = "bindings"
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        for symbol in ["cblas_dgemm", "cblas_dgemv"] {
            let bindings = log.split(separator: "\n").filter { $0.contains("binding file") && $0.contains("libgsl.so")
                && $0.hasSuffix("`\(symbol)'") }
            #expect(!bindings.isEmpty, "LD_DEBUG shows no binding of libgsl's \(symbol)")
            for line in bindings { #expect(line.contains("openblas"), "\(line)") }
        }
    }
}
#endif
