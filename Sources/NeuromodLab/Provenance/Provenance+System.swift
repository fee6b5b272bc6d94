import Foundation

// What the machine, the build and the linked libraries are, read without linking anything new:
// /proc/cpuinfo or sysctl, uname(2), `#if` conditions, and dlsym on the symbols the process has
// already loaded (so a build against another BLAS says "unknown" instead of failing to link).

extension Provenance.Machine {
    /// This machine, read at the call.
    static var current: Provenance.Machine {
        var names = utsname()
        uname(&names)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return Provenance.Machine(cpu: cpuModel(), cores: ProcessInfo.processInfo.activeProcessorCount,
                                  os: "\(field(names.sysname)) \(ProcessInfo.processInfo.operatingSystemVersionString)",
                                  kernel: field(names.release), architecture: field(names.machine))
    }

    /// `model name` of /proc/cpuinfo (Linux), `machdep.cpu.brand_string` (macOS), else `"unknown"`.
    static func cpuModel() -> String {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { return name }
        }
        return "unknown"
        #elseif canImport(Darwin)
        var size = 0
        guard sysctlbyname("machdep.cpu.brand_string", nil, &size, nil, 0) == 0, size > 0 else { return "unknown" }
        var bytes = [CChar](repeating: 0, count: size)
        guard sysctlbyname("machdep.cpu.brand_string", &bytes, &size, nil, 0) == 0 else { return "unknown" }
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #else
        return "unknown"
        #endif
    }
}

extension Provenance.Build {
    /// How this binary was compiled.
    static var current: Provenance.Build {
        #if DEBUG
        let configuration = "debug"
        #else
        let configuration = "release"
        #endif
        return Provenance.Build(configuration: configuration, swiftCompiler: compilerVersion)
    }

    /// The compiler's version as far as `#if compiler(>=…)` can tell, e.g. `>= 6.3`.
    static var compilerVersion: String {
        #if compiler(>=7.0)
        return ">= 7.0"
        #elseif compiler(>=6.3)
        return ">= 6.3"
        #elseif compiler(>=6.2)
        return ">= 6.2"
        #elseif compiler(>=6.1)
        return ">= 6.1"
        #else
        return ">= 6.0"
        #endif
    }
}

extension Provenance.Libraries {
    /// The BLAS and GSL this process has loaded, found by their symbols.
    static var current: Provenance.Libraries {
        let gsl = symbol("gsl_version").map { $0.assumingMemoryBound(to: UnsafePointer<CChar>?.self).pointee }
        if let config = cString(call: "openblas_get_config") {
            let environment = ProcessInfo.processInfo.environment
            let kernel = BLASKernel(library: "OpenBLAS", config: config, core: cString(call: "openblas_get_corename") ?? "unknown",
                                    cpuFlags: [], forcedCore: environment["OPENBLAS_CORETYPE"],
                                    detectedCore: environment[BLASKernelSelection.detectedVariable])
            let source: String, detected: String?
            switch kernel.source {
            case .detected: (source, detected) = ("detected", nil)
            case .environment: (source, detected) = ("environment", nil)
            case .neuromod(let core): (source, detected) = ("neuromod", core)
            }
            return Provenance.Libraries(blas: "OpenBLAS", blasConfig: config, blasCore: kernel.core, blasCoreSource: source,
                                        blasCoreDetected: detected,
                                        gsl: gsl.flatMap { $0 }.map { String(cString: $0) } ?? "unknown")
        }
        let blis = cString(call: "bli_info_get_version_str")
        return Provenance.Libraries(blas: blis == nil ? "unknown" : "BLIS", blasConfig: blis ?? "unknown", blasCore: "unknown",
                                    gsl: gsl.flatMap { $0 }.map { String(cString: $0) } ?? "unknown")
    }

    /// The address of `name` among the symbols loaded into this process.
    static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        guard let handle = dlopen(nil, RTLD_NOW) else { return nil }
        return dlsym(handle, name)
    }

    /// The C string returned by the argument-less C function `name`; nil when the symbol is absent.
    static func cString(call name: String) -> String? {
        guard let address = symbol(name) else { return nil }
        typealias Getter = @convention(c) () -> UnsafePointer<CChar>?
        return unsafeBitCast(address, to: Getter.self)().map { String(cString: $0) }
    }
}
