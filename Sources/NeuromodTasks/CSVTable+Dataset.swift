import Neuromod

extension CSVTable {
    /// The table as a supervised dataset: the `targets` columns become the targets and the `inputs`
    /// columns the inputs, each in the order listed.
    ///
    /// - Parameters:
    ///   - name: the dataset's name (for messages and exports).
    ///   - inputs: input column names; `nil` (the default) takes every column not listed in
    ///     `targets`, in file order.
    ///   - targets: target column names; at least one.
    /// - Throws: ``DataError/columnNotFound(path:column:available:)`` for an unknown name;
    ///   ``TaskError/invalidParameter(context:parameter:value:requirement:)`` when either side would
    ///   have no columns.
    public func dataset(name: String, inputs: [String]? = nil, targets: [String]) throws -> Dataset {
        let targetColumns = try targets.map(columnIndex)
        let inputColumns = try inputs?.map(columnIndex) ?? columns.indices.filter { !targetColumns.contains($0) }
        guard !targetColumns.isEmpty else {
            throw TaskError.invalidParameter(context: "dataset '\(name)'", parameter: "targets", value: "[]",
                                             requirement: "at least one column")
        }
        guard !inputColumns.isEmpty else {
            throw TaskError.invalidParameter(context: "dataset '\(name)'", parameter: "inputs", value: "[]",
                                             requirement: "at least one column")
        }
        return Dataset(name: name, inputs: selecting(inputColumns), targets: selecting(targetColumns),
                       inputNames: inputColumns.map { columns[$0] }, targetNames: targetColumns.map { columns[$0] })
    }

    /// The listed columns of ``values``, in the order listed.
    private func selecting(_ selected: [Int]) -> Matrix {
        var out = Matrix(rows: rows, cols: selected.count)
        for r in 0..<rows {
            for (c, column) in selected.enumerated() { out[r, c] = values[r, column] }
        }
        return out
    }
}
