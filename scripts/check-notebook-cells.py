#!/usr/bin/env python3
"""Runs a notebook's code cells and checks that each cell redraws the figure the notebook stores.

usage: scripts/check-notebook-cells.py NOTEBOOK.ipynb EXPECTED.json

EXPECTED.json (written by the NeuromodReport tests from `neuromod export`'s in-memory figures) lists,
per code cell (its index among all cells), the charts its stored SVGs were drawn from:
  {"cells": [{"cell": 3, "figures": [FIGURE, ...]}, ...]}
  FIGURE = {"kind": "lines", "xLog": bool, "yLog": bool,
            "series": [{"name", "style": "line"|"thinLine"|"points", "x", "y", ["lower", "upper"]}]}
         | {"kind": "bars", "labels", "values", "errors"}
         | {"kind": "heatmap", "xTicks", "yTicks", "values" (null for NaN)}

The cells run in order in one namespace, from the notebook's folder, with matplotlib's Agg backend and
`plt.show` doing nothing. After each cell, every open figure is compared with the cell's charts, in order:
- lines: the axes' scales; one Line2D per series, in order; a line or points series' legend label is
  its name (whitespace from wrapping ignored), a thin trace has no legend entry; the line's data,
  thinned as the exporter thins (at most 800 evenly spaced points), equals the series' x and y; the
  k-th fill_between band holds every (x, lower) and (x, upper) of the k-th series with a band;
- bars: the bar heights, the tick labels, and the error whiskers (value ± error);
- heatmap: the image array (NaN where the chart has NaN) and both axes' tick labels;
- every axes, with its title, labels, ticks and legend, lies inside the figure.
Numbers agree to a relative 1e-9 (the data files hold shortest round-trip decimals).
Exit status: 0 all checks pass; 1 a check failed (one line each on stdout); 2 pandas or matplotlib missing.
"""
import json
import os
import sys

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas  # noqa: F401  (the cells import it)
    from matplotlib.collections import PolyCollection
    from matplotlib.container import BarContainer
except ImportError as error:
    print(f"missing Python package: {error.name} (pip install pandas matplotlib)", file=sys.stderr)
    sys.exit(2)

MAX_POINTS = 800
RTOL = 1e-9


def thinned(values):
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n <= MAX_POINTS:
        return values
    return values[[i * (n - 1) // (MAX_POINTS - 1) for i in range(MAX_POINTS)]]


def close(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all((np.isnan(a) & np.isnan(b)) | np.isclose(a, b, rtol=RTOL, atol=0)))


def words(text):
    return " ".join(str(text).split())


def check_lines(ax, want, where, errors):
    for axis, log in (("x", want["xLog"]), ("y", want["yLog"])):
        scale = getattr(ax, f"get_{axis}scale")()
        if (scale == "log") != log:
            errors.append(f"{where}: the {axis} axis is {scale}, the figure's is {'log' if log else 'linear'}")
    lines, series = ax.get_lines(), want["series"]
    if len(lines) != len(series):
        errors.append(f"{where}: {len(lines)} lines drawn, the figure has {len(series)} series")
        return
    for line, s in zip(lines, series):
        name, label = s["name"], line.get_label()
        if s["style"] == "thinLine":
            if not label.startswith("_"):
                errors.append(f"{where}: trace of '{name}' has a legend entry '{label}'")
        elif words(label) != words(name):
            errors.append(f"{where}: line labelled '{words(label)}' where the figure has '{name}'")
        points = line.get_linestyle() in ("None", "none", "") and line.get_marker() not in (None, "None", "none", "")
        if points != (s["style"] == "points"):
            errors.append(f"{where}: '{name}' drawn {'as points' if points else 'as a line'}, the figure's style is {s['style']}")
        x, y = thinned(line.get_xdata()), thinned(line.get_ydata())
        if not (close(x, s["x"]) and close(y, s["y"])):
            errors.append(f"{where}: '{name}' plots {len(line.get_xdata())} points that do not thin to the figure's {len(s['x'])}")
    fills = [c for c in ax.collections if isinstance(c, PolyCollection)]
    banded = [s for s in series if "lower" in s]
    if len(fills) != len(banded):
        errors.append(f"{where}: {len(fills)} bands drawn, the figure has {len(banded)}")
        return
    for fill, s in zip(fills, banded):
        vertices = np.concatenate([p.vertices for p in fill.get_paths()])
        for x, lo, hi in zip(s["x"], s["lower"], s["upper"]):
            at = vertices[np.isclose(vertices[:, 0], x, rtol=RTOL, atol=0), 1]
            if not (np.isclose(at, lo, rtol=RTOL, atol=0).any() and np.isclose(at, hi, rtol=RTOL, atol=0).any()):
                errors.append(f"{where}: the band of '{s['name']}' misses {lo}…{hi} at x = {x}")
                break


def check_bars(ax, want, where, errors):
    containers = [c for c in ax.containers if isinstance(c, BarContainer)]
    if len(containers) != 1:
        errors.append(f"{where}: {len(containers)} bar groups drawn, expected 1")
        return
    bars = containers[0]
    labels = [words(t.get_text()) for t in ax.get_xticklabels()]
    if labels != [words(t) for t in want["labels"]]:
        errors.append(f"{where}: bar labels {labels}, the figure's {want['labels']}")
    if not close([p.get_height() for p in bars.patches], want["values"]):
        errors.append(f"{where}: bar heights differ from the figure's {want['values']}")
    whiskers = bars.errorbar.lines[2][0].get_segments() if bars.errorbar else []
    ends = [sorted((seg[0][1], seg[1][1])) for seg in whiskers]
    wanted = [sorted((v - (e or 0), v + (e or 0))) for v, e in zip(want["values"], want["errors"])]
    if len(ends) != len(wanted) or not close(ends, wanted):
        errors.append(f"{where}: error whiskers differ from the figure's ± {want['errors']}")


def check_heatmap(ax, want, where, errors):
    if len(ax.images) != 1:
        errors.append(f"{where}: {len(ax.images)} images drawn, expected 1")
        return
    values = np.ma.filled(np.ma.asarray(ax.images[0].get_array(), dtype=float), np.nan)
    wanted = np.array([[np.nan if v is None else v for v in row] for row in want["values"]], dtype=float)
    if not close(values, wanted):
        errors.append(f"{where}: the heatmap's values differ from the figure's")
    for axis, ticks in (("x", want["xTicks"]), ("y", want["yTicks"])):
        got = [words(t.get_text()) for t in getattr(ax, f"get_{axis}ticklabels")()]
        if got != [words(t) for t in ticks]:
            errors.append(f"{where}: {axis} tick labels {got}, the figure's {ticks}")


def check_inside(fig, where, errors):
    fig.canvas.draw()
    renderer, bounds = fig.canvas.get_renderer(), fig.bbox
    for ax in fig.axes:
        box = ax.get_tightbbox(renderer)
        if box.x0 < bounds.x0 - 1 or box.y0 < bounds.y0 - 1 or box.x1 > bounds.x1 + 1 or box.y1 > bounds.y1 + 1:
            errors.append(f"{where}: labels leave the figure ({box} outside {bounds})")


CHECKS = {"lines": check_lines, "bars": check_bars, "heatmap": check_heatmap}


def main(notebook_path, expected_path):
    notebook = json.load(open(notebook_path, encoding="utf-8"))
    expected = {entry["cell"]: entry["figures"] for entry in json.load(open(expected_path, encoding="utf-8"))["cells"]}
    os.chdir(os.path.dirname(os.path.abspath(notebook_path)))
    plt.show = lambda *args, **kwargs: None
    namespace, errors = {}, []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        exec(compile("".join(cell["source"]), f"cell {index}", "exec"), namespace)
        figures = [plt.figure(n) for n in plt.get_fignums()]
        wanted = expected.get(index, [])
        where = f"{os.path.basename(notebook_path)} cell {index}"
        if len(figures) != len(wanted):
            errors.append(f"{where}: draws {len(figures)} figure(s), the notebook stores {len(wanted)}")
        for fig, want in zip(figures, wanted):
            CHECKS[want["kind"]](fig.axes[0], want, where, errors)
            check_inside(fig, where, errors)
        plt.close("all")
    for line in errors:
        print(line)
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        sys.exit(64)
    sys.exit(main(sys.argv[1], sys.argv[2]))
