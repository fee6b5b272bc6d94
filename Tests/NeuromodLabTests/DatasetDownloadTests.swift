import Foundation
import Testing
@testable import NeuromodLab
import NeuromodTasks

/// `neuromod data fetch` against a small HTTP server on 127.0.0.1 started by the test (Python's
/// standard library, with range requests, a mode that breaks the connection half-way and one that
/// serves corrupted bytes; it exits by itself after 60 s).
@Suite(.serialized) struct DatasetDownloadTests {
    static let server = #"""
    import http.server, os, signal, sys, threading
    # A child of the test process may inherit blocked signals: let SIGTERM stop the server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    root, port_file = sys.argv[1], sys.argv[2]
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args): pass
        def do_GET(self):
            mode, _, name = self.path.lstrip("/").partition("/")
            path = os.path.join(root, name)
            if not os.path.isfile(path):
                self.send_response(404); self.end_headers(); return
            data = open(path, "rb").read()
            if mode == "corrupt": data = bytes([data[0] ^ 1]) + data[1:]
            with open(os.path.join(root, "ranges.log"), "a") as log: log.write("%s %s\n" % (self.path, self.headers.get("Range")))
            start = 0
            rng = self.headers.get("Range")
            if rng and rng.startswith("bytes=") and mode != "norange":
                start = int(rng[6:].split("-")[0])
                if start >= len(data):
                    self.send_response(416); self.end_headers(); return
                self.send_response(206)
                self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
            else:
                self.send_response(200)
            body = data[start:]
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if mode == "cut":
                self.wfile.write(body[:len(body) // 2]); self.wfile.flush()
                self.connection.shutdown(2); self.close_connection = True; return
            self.wfile.write(body)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Timer(60, lambda: os._exit(0)).start()
    with open(port_file + ".tmp", "w") as f: f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()
    """#

    /// A served folder with one 300 kB file of varied bytes, the server's port, and a cache folder.
    struct Fixture {
        let scratch: CLIScratchDirectory
        let process: Process
        let port: Int
        let bytes: [UInt8]

        init() throws {
            scratch = try CLIScratchDirectory()
            bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
            try Data(bytes).write(to: scratch.url.appendingPathComponent("served/blob.bin").creatingFolder())
            try scratch.write("server.py", DatasetDownloadTests.server)
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", scratch.path("server.py"), scratch.path("served"), scratch.path("port")]
            try process.run()
            var port = 0
            for _ in 0..<100 where port == 0 {
                port = Int((try? String(contentsOfFile: scratch.path("port"), encoding: .utf8)) ?? "") ?? 0
                if port == 0 { Thread.sleep(forTimeInterval: 0.05) }
            }
            self.port = port
        }

        func dataset(mode: String, mirrors: [String]? = nil) -> RemoteDataset {
            RemoteDataset(name: "blob", summary: "test", folder: "blob",
                          mirrors: mirrors ?? ["http://127.0.0.1:\(port)/\(mode)/"],
                          files: [RemoteFile(name: "blob.bin", bytes: bytes.count, sha256: SHA256.hex(bytes))])
        }

        var store: DatasetStore { DatasetStore(folder: scratch.path("cache")) }
        var cached: String { scratch.path("cache/blob/blob.bin") }
        var log: String { (try? String(contentsOfFile: scratch.path("served/ranges.log"), encoding: .utf8)) ?? "" }

        func stop() {
            process.terminate()
            process.waitUntilExit()
            scratch.remove()
        }
    }

    @Test func fetchDownloadsAndVerifies() throws {
        let f = try Fixture()
        defer { f.stop() }
        #expect(f.port > 0)
        try f.store.fetch(f.dataset(mode: "plain"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.cached)) == Data(f.bytes))
        #expect(!FileManager.default.fileExists(atPath: f.cached + ".part"))
        try f.store.verify(f.dataset(mode: "plain"))
        // Fetching again finds the verified file and downloads nothing.
        try f.store.fetch(f.dataset(mode: "plain"))
        #expect(f.log.split(separator: "\n").count == 1)
    }

    @Test func interruptedDownloadResumesWithARangeRequest() throws {
        let f = try Fixture()
        defer { f.stop() }
        #expect(throws: DatasetError.self) { try f.store.fetch(f.dataset(mode: "cut")) }
        let kept = DataFile.storedSize(path: f.cached + ".part")
        #expect(kept == 150_000, "half the file is kept for the next attempt")
        #expect(!FileManager.default.fileExists(atPath: f.cached))
        try f.store.fetch(f.dataset(mode: "plain"))
        #expect(f.log.contains("/plain/blob.bin bytes=150000-"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.cached)) == Data(f.bytes))
    }

    @Test func corruptedDownloadIsRefusedAndRemoved() throws {
        let f = try Fixture()
        defer { f.stop() }
        let dataset = f.dataset(mode: "corrupt")
        #expect {
            try f.store.fetch(dataset)
        } throws: { error in
            guard case .checksumMismatch(let path, _, let expected) = error as? DatasetError else { return false }
            return path == f.cached && expected == dataset.files[0].sha256
        }
        #expect(!FileManager.default.fileExists(atPath: f.cached))
        #expect(!FileManager.default.fileExists(atPath: f.cached + ".part"))
    }

    @Test func serverIgnoringRangesRestartsTheFile() throws {
        let f = try Fixture()
        defer { f.stop() }
        try FileManager.default.createDirectory(atPath: f.scratch.path("cache/blob"), withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: f.cached + ".part"))
        try f.store.fetch(f.dataset(mode: "norange"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.cached)) == Data(f.bytes))
    }

    /// No server on the port: one line naming the host, nothing left in the cache.
    @Test func unreachableHostIsOneLine() throws {
        let f = try Fixture()
        f.stop()
        let dataset = f.dataset(mode: "plain")
        #expect {
            try f.store.fetch(dataset)
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("cannot reach 127.0.0.1:\(f.port) (") && !message.contains("\n")
        }
        #expect(!FileManager.default.fileExists(atPath: f.scratch.path("cache/blob")))
    }

    /// `neuromod data fetch | verify | list` with the cache in the scratch folder and the test
    /// server as `$NEUROMOD_DATA_MIRROR` (serving copies of ../shared/data/mnist).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: MemoryEstimateTests.data + "/mnist")))
    func dataCommandFetchesVerifiesAndListsThroughAMirror() throws {
        let f = try Fixture()
        defer { f.stop() }
        for file in try RemoteDataset.named("mnist").files {
            try FileManager.default.copyItem(atPath: MemoryEstimateTests.data + "/mnist/\(file.name)", toPath: f.scratch.path("served/\(file.name)"))
        }
        let environment = ["NEUROMOD_DATA": f.scratch.path("cache"), "NEUROMOD_DATA_MIRROR": "http://127.0.0.1:\(f.port)/plain"]
        let fetch = try Self.neuromod(["data", "fetch", "mnist"], environment: environment)
        #expect(fetch.status == 0 && fetch.stdout == "mnist: 4 file(s) verified in \(f.scratch.path("cache"))/mnist\n", "\(fetch.stderr)")
        #expect(try Self.neuromod(["data", "list"], environment: environment).stdout.contains("mnist               verified"))
        #expect(try Self.neuromod(["data", "verify"], environment: environment).stdout == "mnist: 4 file(s) verified\n")
        // One flipped byte in the cache: verify names the file and both checksums on one line.
        let labels = f.scratch.path("cache/mnist/t10k-labels-idx1-ubyte.gz")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: labels)))
        bytes[100] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: labels))
        let verify = try Self.neuromod(["data", "verify", "mnist"], environment: environment)
        #expect(verify.status == 1)
        #expect(verify.stderr.hasPrefix("Error: \(labels): SHA-256 is ") && verify.stderr.filter { $0 == "\n" }.count == 1)
    }

    /// Runs the `neuromod` executable with `environment` added to the test's own.
    static func neuromod(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = try NeuromodCLI.executable()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test func unknownNameListsTheKnownOnes() {
        #expect(throws: DatasetError.unknownDataset(name: "mnsit", known: ["mnist", "fashion-mnist", "california-housing"])) {
            try RemoteDataset.named("mnsit")
        }
    }

    /// The catalog's checksums are those of the original files in ../shared/data.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: MemoryEstimateTests.data + "/mnist")))
    func catalogChecksumsMatchTheSharedFiles() throws {
        for name in ["mnist", "fashion-mnist"] {
            let dataset = try RemoteDataset.named(name)
            for file in dataset.files where file.bytes ?? 0 < 2_000_000 {
                let path = MemoryEstimateTests.data + "/\(dataset.folder)/\(file.name)"
                #expect(SHA256.hex(fileAt: path) == file.sha256, "\(path)")
                #expect(DataFile.storedSize(path: path) == file.bytes)
            }
        }
    }
}

extension URL {
    /// This URL, after creating its parent folder.
    func creatingFolder() throws -> URL {
        try FileManager.default.createDirectory(at: deletingLastPathComponent(), withIntermediateDirectories: true)
        return self
    }
}
