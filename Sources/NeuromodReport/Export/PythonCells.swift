/// The Python the code cells share: the setup cell (imports, helpers, the data read from the
/// folder beside the notebook) and the call that finishes each plotting cell.
///
/// Every plotting cell draws on its own `fig, ax`, in the order of the stored figure's series, and
/// ends with `show(…)`: the title and axis labels wrapped when long, the legend beside the axes,
/// `fig.tight_layout()` so that no label leaves the figure.
enum PythonCells {
    /// A Python string literal holding `text`.
    static func literal(_ text: String) -> String {
        var out = "\""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out + "\""
    }

    /// The first code cell: imports, `label`, `show` and `bar_chart`, then `reads` — each a
    /// variable and the statement that loads it, with `{dir}` standing for the data folder `name`.
    static func setup(name: String, reads: [(variable: String, load: String)], extra: String = "") -> String {
        let folder = { (text: String) in text.replacingOccurrences(of: "{dir}", with: name) }
        var code = """
            import json
            import textwrap

            import matplotlib.pyplot as plt
            import numpy as np
            import pandas as pd


            def label(text, width=30):
                \"\"\"`text` wrapped onto lines of at most `width` characters (a word is never split).\"\"\"
                return textwrap.fill(str(text), width, break_long_words=False, break_on_hyphens=False)


            def show(fig, ax, title, xlabel, ylabel, legend=True):
                \"\"\"Title and axis labels (wrapped), the legend beside the axes, every label inside the figure.\"\"\"
                ax.set_title(label(title, 60))
                ax.set_xlabel(label(xlabel, 60))
                ax.set_ylabel(label(ylabel, 40))
                if legend:
                    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small")
                fig.tight_layout()
                plt.show()


            def bar_chart(ax, labels, values, errors):
                \"\"\"Bars with ± error whiskers; long labels wrapped and turned.\"\"\"
                x = np.arange(len(labels))
                ax.bar(x, values, yerr=errors, capsize=4, color=[f"C{i % 10}" for i in x])
                turn = max(len(str(t)) for t in labels) > 8
                ax.set_xticks(x, [label(t, 20) for t in labels], rotation=30 if turn else 0, ha="right" if turn else "center")


            """
        code += reads.map { "\($0.variable) = \(folder($0.load))" }.joined(separator: "\n")
        if !extra.isEmpty { code += "\n\n\n" + folder(extra) }
        return code
    }

    /// `pd.read_csv("{dir}/file")`.
    static func readCSV(_ file: String) -> String { "pd.read_csv(\"{dir}/\(file)\")" }

    /// `json.load(open("{dir}/summary.json"))`.
    static let readSummary = "json.load(open(\"{dir}/summary.json\"))"

    /// The last line of a plotting cell: `show(fig, ax, title, x label, y label)`.
    static func show(_ title: String, _ xLabel: String, _ yLabel: String, legend: Bool = true) -> String {
        "show(fig, ax, \(literal(title)), \(literal(xLabel)), \(literal(yLabel))\(legend ? "" : ", legend=False"))"
    }

    /// The first line of a plotting cell.
    static let newFigure = "fig, ax = plt.subplots(figsize=(8, 5))"
}
