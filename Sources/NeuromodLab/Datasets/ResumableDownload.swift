import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP(S) download into a partial file, resumed where an earlier attempt stopped.
///
/// If `partPath` already holds bytes, the request asks for the rest (`Range: bytes=N-`); a server
/// that answers 206 gets its bytes appended, one that answers 200 (it ignores ranges) gets the
/// file rewritten from the start; 416 (the range starts at the end) means the file is complete.
/// Bytes are written as they arrive, so an interrupted transfer
/// leaves everything received so far for the next attempt. Blocking; for the command line.
struct ResumableDownload {
    var url: URL
    var partPath: String
    /// Seconds without progress before giving up.
    var timeout: TimeInterval = 30

    /// Downloads what is missing; throws ``DatasetError`` (unreachable host, HTTP error, write error).
    func run(progress: @escaping @Sendable (Int) -> Void = { _ in }) throws {
        if !FileManager.default.fileExists(atPath: partPath) {
            guard FileManager.default.createFile(atPath: partPath, contents: nil) else {
                throw DatasetError.cannotWrite(path: partPath)
            }
        }
        guard let handle = FileHandle(forUpdatingAtPath: partPath) else { throw DatasetError.cannotWrite(path: partPath) }
        defer { try? handle.close() }
        let offset = Int((try? handle.seekToEnd()) ?? 0)
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }
        let receiver = Receiver(handle: handle, path: partPath, offset: offset, progress: progress)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration, delegate: receiver, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        session.dataTask(with: request).resume()
        receiver.done.wait()
        if let failure = receiver.failure { throw failure }
    }

    /// Writes the response body to the partial file as it arrives.
    private final class Receiver: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        let handle: FileHandle
        let path: String
        let offset: Int
        let progress: @Sendable (Int) -> Void
        let done = DispatchSemaphore(value: 0)
        var failure: DatasetError?
        var written: Int
        /// The server says the range starts at the end: the partial file is already complete.
        var complete = false

        init(handle: FileHandle, path: String, offset: Int, progress: @escaping @Sendable (Int) -> Void) {
            self.handle = handle
            self.path = path
            self.offset = offset
            self.progress = progress
            written = offset
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
            let status = (response as? HTTPURLResponse)?.statusCode ?? 200
            let url = response.url?.absoluteString ?? "?"
            switch status {
            case 206 where offset > 0:
                completionHandler(.allow)
            case 416 where offset > 0:
                complete = true
                completionHandler(.cancel)
            case 200:
                // A full body: start the file over (the server ignored the range, or none was asked).
                do {
                    try handle.truncate(atOffset: 0)
                    written = 0
                    completionHandler(.allow)
                } catch {
                    failure = .cannotWrite(path: path)
                    completionHandler(.cancel)
                }
            default:
                failure = .http(url: url, status: status)
                completionHandler(.cancel)
            }
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            guard failure == nil else { return }
            handle.write(data)
            written += data.count
            progress(written)
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
            if failure == nil, !complete, let error {
                let url = task.originalRequest?.url
                let host = url.map { "\($0.host ?? "?")\($0.port.map { ":\($0)" } ?? "")" } ?? "?"
                failure = written > offset
                    ? .interrupted(url: url?.absoluteString ?? "?", received: written, reason: error.localizedDescription)
                    : .unreachable(host: host, reason: error.localizedDescription)
            }
            done.signal()
        }
    }
}
