import Foundation
import Neuromod
import Testing
@testable import NeuromodTasks

@Suite struct CSVTableTests {
    @Test func plainAndGzipLoadIdenticalTables() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let text = variedCSV(rows: 300)
        let plain = try CSVTable.load(path: dir.write("t.csv", text: text))
        let zipped = try CSVTable.load(path: dir.write("t.csv.gz", gzip(Array(text.utf8))))
        #expect(plain.rows == 300)
        #expect(plain.columns == zipped.columns)
        #expect(plain.values == zipped.values)
    }

    /// Values written as shortest round-trip decimals come back bit for bit.
    @Test func parsesExactValues() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("exact.csv", text: "MedInc,HouseAge,AveRooms\n8.3252,41.0,6.984126984126984\n-122.23,1e-300,0.1\n")
        let table = try CSVTable.load(path: path)
        #expect(table.source == path)
        #expect(table.columns == ["MedInc", "HouseAge", "AveRooms"])
        #expect(table.rows == 2)
        #expect(table.values == Matrix([[8.3252, 41.0, 6.984126984126984], [-122.23, 1e-300, 0.1]]))
        #expect(table.values[0, 2].bitPattern == (6.984126984126984 as Double).bitPattern)
    }

    @Test func acceptsCRLFWhitespaceBOMAndTrailingBlankLines() throws {
        let text = "\u{FEFF} a , b\t\r\n 1 ,\t2 \r\n3,4\r\n\r\n"
        let table = try CSVTable.parse(Array(text.utf8), source: "mem.csv")
        #expect(table.columns == ["a", "b"])
        #expect(table.values == Matrix([[1, 2], [3, 4]]))
    }

    @Test func nonNumericCellMessage() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("bad.csv", text: "MedInc,HouseAge\n1,2\n3,4\n5, abc\n")
        let error = #expect(throws: DataError.self) { try CSVTable.load(path: path) }
        #expect(error?.description == "\(path): line 4, column 'HouseAge': non-numeric cell \"abc\"")
    }

    @Test func emptyCellIsNonNumeric() throws {
        #expect(throws: DataError.nonNumericCell(path: "m.csv", line: 2, column: "b", text: "")) {
            try CSVTable.parse(Array("a,b\n1,\n".utf8), source: "m.csv")
        }
    }

    @Test(arguments: ["nan", "NaN", "inf", "-infinity", "1e400"])
    func nonFiniteValuesAreRejected(_ cell: String) throws {
        let error = #expect(throws: DataError.self) {
            try CSVTable.parse(Array("a,b\n1,2\n\(cell),3\n".utf8), source: "m.csv")
        }
        #expect(error == .nonFiniteCell(path: "m.csv", line: 3, column: "a", text: cell))
        #expect(error?.description == "m.csv: line 3, column 'a': non-finite value \"\(cell)\"")
    }

    @Test func raggedRows() throws {
        let short = #expect(throws: DataError.self) {
            try CSVTable.parse(Array("a,b,c\n1,2,3\n4,5\n".utf8), source: "r.csv")
        }
        #expect(short?.description == "r.csv: line 3: row has 2 cells, header has 3")
        #expect(throws: DataError.raggedRow(path: "r.csv", line: 2, cells: 4, expected: 3)) {
            try CSVTable.parse(Array("a,b,c\n1,2,3,\n".utf8), source: "r.csv")
        }
    }

    @Test func emptyFileAndHeaderOnly() throws {
        let empty = #expect(throws: DataError.self) { try CSVTable.parse(Array(" \n\r\n".utf8), source: "e.csv") }
        #expect(empty?.description == "e.csv: empty file (no header)")
        let headerOnly = #expect(throws: DataError.self) { try CSVTable.parse(Array("a,b\n".utf8), source: "h.csv") }
        #expect(headerOnly?.description == "h.csv: no data rows")
    }

    @Test func invalidHeaders() throws {
        #expect(throws: DataError.invalidHeader(path: "h.csv", problem: "duplicate column 'a'")) {
            try CSVTable.parse(Array("a,b,a\n1,2,3\n".utf8), source: "h.csv")
        }
        #expect(throws: DataError.invalidHeader(path: "h.csv", problem: "column 2 has an empty name")) {
            try CSVTable.parse(Array("a,,c\n1,2,3\n".utf8), source: "h.csv")
        }
    }

    @Test func datasetSelectsColumns() throws {
        let table = try CSVTable.parse(Array("a,b,c,d\n1,2,3,4\n5,6,7,8\n".utf8), source: "s.csv")
        let all = try table.dataset(name: "s", targets: ["c"])
        #expect(all.inputNames == ["a", "b", "d"])
        #expect(all.targetNames == ["c"])
        #expect(all.inputs == Matrix([[1, 2, 4], [5, 6, 8]]))
        #expect(all.targets == Matrix([[3], [7]]))

        let chosen = try table.dataset(name: "s", inputs: ["d", "a"], targets: ["b", "c"])
        #expect(chosen.inputs == Matrix([[4, 1], [8, 5]]))
        #expect(chosen.targets == Matrix([[2, 3], [6, 7]]))
    }

    @Test func unknownColumnListsTheColumns() throws {
        let table = try CSVTable.parse(Array("a,b,c\n1,2,3\n".utf8), source: "s.csv")
        let error = #expect(throws: DataError.self) { try table.dataset(name: "s", targets: ["Foo"]) }
        #expect(error?.description == "s.csv: column 'Foo' not found (columns: a, b, c)")
        #expect(throws: TaskError.self) { try table.dataset(name: "s", targets: []) }
        #expect(throws: TaskError.self) { try table.dataset(name: "s", inputs: [], targets: ["a"]) }
    }
}
