import ArgumentParser
import Neuromod
import NeuromodLab

@main
struct Neuromod: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neuromod",
        abstract: "Simulate noisy rate networks that learn through local, neuromodulated plasticity.",
        discussion: """
        Experiments are YAML specs (see Models/ and README.md). Outputs go to the spec's output folder: \
        metrics.csv (loss of every minibatch update), epochs.csv (clean train/test loss per epoch), \
        summary.json and a copy of the spec. An existing output folder is refused unless --force.

        Exit status: 0 success, 1 an error (spec, data, run, I/O), 2 a usage error (a bad option, or a \
        NEUROMOD_KERNELS that is not a kernel level this CPU has); \
        every error is one line on stderr.

        Example:
          neuromod run Models/thesis/sinusoid.yaml --runs 3 --seed 7 --out runs/try
        """,
        // Listed in --help; `main()` answers --version itself, with the commit (see SourceRevision).
        version: NeuromodVersion.string,
        subcommands: [RunCommand.self, CheckCommand.self, SweepCommand.self, GradcheckCommand.self, ExportCommand.self, EnvCommand.self,
                      DataCommand.self, FieldsCommand.self])

    /// Parses and runs the command; every error ends the process through ``ExitStatus``. `--version`
    /// prints `neuromod VERSION (commit SHORT, clean|dirty)`, then the BLAS and its kernel
    /// (`BLAS: OpenBLAS 0.3.21 … (core Haswell, detected by OpenBLAS)`), Neuromod's own kernel level
    /// (`kernels: avx512 (this CPU: avx512, avx2, portable)`, see `Kernels.summary`) and, when
    /// OpenBLAS runs a kernel older than the CPU, a warning naming `OPENBLAS_CORETYPE` (see
    /// ``BLASKernel``). Any other command refuses to start (status 2, one line) when
    /// `NEUROMOD_KERNELS` names no level or one this CPU lacks; `--version` reports it instead.
    /// First of all, the process re-executes itself with a newer OpenBLAS kernel when OpenBLAS picked
    /// an old one (``BLASKernelSelection``; `NEUROMOD_BLAS_KERNEL=keep` opts out).
    static func main() {
        BLASKernelSelection.applyAtLaunch(program: "neuromod")
        MallocPolicy.applyAtLaunch()
        if CommandLine.arguments.dropFirst().elementsEqual(["--version"]) {
            print(SourceRevision.lookUp().versionLine)
            let blas = BLASKernel.current
            print(blas.line)
            print("kernels: \(Kernels.summary)")
            if let warning = blas.warning { print(warning) }
            return
        }
        if let problem = Kernels.problem { ExitStatus.exit(reporting: CLIError.usage(problem)) }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            ExitStatus.exit(reporting: error)
        }
    }
}
