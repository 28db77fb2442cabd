"""Charts of the report, drawn with matplotlib as SVG text to embed in the page.

No pyplot: each chart is its own ``Figure`` (no global figure state, safe in a server). Text
stays text (``svg.fonttype = none``), so the page is small, searchable and sharp in print; the
SVG carries no date or other metadata, and its element ids are salted with the chart's name, so
a report is byte-for-byte reproducible and two charts on one page never share an id.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

__all__ = ["bars", "hbars", "lines"]

# Colour-blind-safe (Okabe-Ito), in the order series are drawn.
_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
_WIDTH = 6.8  # inches: the text width of an A4 page with 15 mm margins
# Without these the SVG carries a date (not reproducible) and an RDF block naming matplotlib.
_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def _plain(label: object) -> str:
    # Labels come from the input file: a "$" would start matplotlib's mathtext.
    text = str(label).replace("$", r"\$")
    return text if len(text) <= 40 else text[:39] + "…"


def _svg(figure: Figure, name: str) -> str:
    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        figure.savefig(out, format="svg", metadata=_NO_METADATA)
    text = out.getvalue()
    return text[text.index("<svg") :]


def _period_axis(axes: Any, periods: Sequence[str]) -> None:
    # A year of weeks has 52 labels: name about a dozen of them so that they stay readable.
    step = max(1, math.ceil(len(periods) / 14))
    axes.set_xticks(
        range(len(periods)), [p if i % step == 0 else "" for i, p in enumerate(periods)]
    )
    axes.tick_params(axis="x", labelrotation=45 if len(periods) > 6 else 0, labelsize=8)


def _figure(height: float) -> Figure:
    figure = Figure(figsize=(_WIDTH, height), layout="constrained")
    figure.set_facecolor("white")
    return figure


def bars(
    name: str,
    periods: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    ylabel: str,
) -> str:
    """Stacked vertical bars: one bar per period, one segment per series."""
    figure = _figure(2.8)
    axes = figure.add_subplot()
    bottom = [0.0] * len(periods)
    for colour, (label, values) in zip(_COLOURS * 4, series.items(), strict=False):
        axes.bar(range(len(periods)), values, bottom=bottom, label=_plain(label), color=colour)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_ylabel(ylabel)
    _period_axis(axes, periods)
    axes.spines[["top", "right"]].set_visible(False)
    _legend(axes)
    return _svg(figure, name)


def lines(
    name: str,
    periods: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    ylabel: str,
    percent: bool = True,
) -> str:
    """One line per series over the periods (missing values leave a gap)."""
    figure = _figure(2.4)
    axes = figure.add_subplot()
    for colour, (label, values) in zip(_COLOURS, series.items(), strict=False):
        points = [float("nan") if v is None else v for v in values]
        axes.plot(range(len(periods)), points, marker="o", markersize=3, label=_plain(label),
                  color=colour)  # fmt: skip
    if percent:
        axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        axes.set_ylim(bottom=0)
    axes.set_ylabel(ylabel)
    _period_axis(axes, periods)
    axes.spines[["top", "right"]].set_visible(False)
    _legend(axes, outside=False)
    return _svg(figure, name)


def hbars(
    name: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    xlabel: str,
    percent: bool = False,
) -> str:
    """Stacked horizontal bars, the first label on top."""
    figure = _figure(0.8 + 0.22 * len(labels))
    axes = figure.add_subplot()
    names = [_plain(label) for label in labels]
    left = [0.0] * len(labels)
    for colour, (label, values) in zip(_COLOURS, series.items(), strict=False):
        axes.barh(names, values, left=left, label=_plain(label), color=colour, height=0.75)
        left = [a + v for a, v in zip(left, values, strict=True)]
    axes.invert_yaxis()
    if percent:
        axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_xlabel(xlabel)
    axes.tick_params(axis="y", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        _legend(axes)  # beside the bars: inside, it covered the lowest ones
    return _svg(figure, name)


def _legend(axes: Axes, *, outside: bool = True) -> None:
    """The series' names, right of the plot unless ``outside`` is false; none for a chart that
    drew nothing (matplotlib warned on standard error for an empty one)."""
    if not axes.get_legend_handles_labels()[0]:
        return
    if outside:
        axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    else:
        axes.legend(fontsize=8, frameon=False)
