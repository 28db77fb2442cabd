"""The report page: the tables arranged for reading, their charts, and the Jinja2 template
(``templates/report.html.j2``) that makes them one self-contained, printable HTML file.

Autoescape is on for the whole template: kecamatan names, unit names and example complaints come
from the input file and are hostile until escaped. Charts are the only markup passed through
unescaped, and matplotlib escapes the labels it writes into them.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from complaint_nlp._resources import PathLike, data_file
from complaint_nlp.exceptions import DataFileError
from complaint_nlp.labels import CATEGORIES, URGENCIES
from complaint_nlp.report import charts
from complaint_nlp.report.emerging import G2_THRESHOLD
from complaint_nlp.report.health import PSI_ALERT
from complaint_nlp.report.table import Table

__all__ = ["Labels", "load_labels", "render_html"]

#: Periods of the unit table on the page (the CSV has them all).
_UNIT_PERIODS = 6
#: Kecamatan drawn in the bar chart (the table lists them all).
_CHART_DISTRICTS = 40
_KELURAHAN_SHOWN = 15
_DASH = "\N{EN DASH}"


class Labels:
    """Indonesian names for label ids and periods (``data/report/labels.toml``)."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        months = raw.get("months", [])
        if not (isinstance(months, list) and len(months) == 12):
            raise DataFileError("report labels: 'months' must list the twelve month names")
        self.months: list[str] = [str(m) for m in months]

    def name(self, kind: str, key: object) -> str:
        """The Indonesian name of ``key`` among ``kind`` (e.g. categories), else ``key``."""
        return str(self.raw.get(kind, {}).get(key, key))

    def period(self, value: date | None, period: str) -> str:
        if value is None:
            return "semua"
        if period == "month":
            return f"{self.months[value.month - 1]} {value.year}"
        return f"{value.day} {self.months[value.month - 1]} {value.year}"


@functools.lru_cache(maxsize=8)
def _read_labels(path: Path) -> Labels:
    try:
        return Labels(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataFileError(f"report labels {path}: {exc}") from None


def load_labels(path: PathLike | None = None) -> Labels:
    """The labels at ``path``, or the shipped Indonesian ones."""
    return _read_labels(Path(path) if path is not None else data_file("report/labels.toml"))


def _number(value: object, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _DASH
    assert isinstance(value, int | float)
    # Indonesian style: 10.064 and 12,5
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _percent(value: object, digits: int = 1) -> str:
    if value is None:
        return _DASH
    assert isinstance(value, int | float)
    return _number(value * 100, digits) + " %"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("complaint_nlp.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _number
    env.filters["pct"] = _percent
    return env


def _pivot(
    table: Table, row: str, column: str, value: str, columns: Sequence[Any]
) -> dict[Any, list[Any]]:
    """``{row value: [value per column]}`` in the table's row order (0 where absent)."""
    out: dict[Any, list[Any]] = {}
    for record in table.records():
        cells = out.setdefault(record[row], [0] * len(columns))
        if record[column] in columns:
            cells[columns.index(record[column])] = record[value]
    return out


def _ordered(present: Sequence[Any], known: Sequence[str]) -> list[Any]:
    """The label ids in ``known`` order, then any others the file has (e.g. another model's)."""
    seen = list(dict.fromkeys(present))
    return [k for k in known if k in seen] + sorted(x for x in seen if x not in known)


def _by_period(table: Table, labels: Labels, period: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The period names of a per-period table, and its rows with their ``name``."""
    names = [labels.period(p, period) for p in table.column("period")]
    return names, [{"name": n, **r} for n, r in zip(names, table.records(), strict=True)]


def _volume(tables: Mapping[str, Table], labels: Labels, period: str) -> dict[str, Any]:
    by_period = tables["volume_by_period"]
    periods = by_period.column("period")
    names, rows = _by_period(by_period, labels, period)
    categories = _ordered(tables["volume_by_category"].column("category"), CATEGORIES)
    urgencies = _ordered(tables["volume_by_urgency"].column("urgency"), URGENCIES)
    cat = _pivot(tables["volume_by_category"], "period", "category", "complaints", categories)
    urg = _pivot(tables["volume_by_urgency"], "period", "urgency", "complaints", urgencies)
    shown = periods[-_UNIT_PERIODS:]
    units = _pivot(tables["volume_by_unit"], "unit_name", "period", "complaints", shown)
    return {
        "periods": [
            {**r, "categories": cat[r["period"]], "urgencies": urg[r["period"]]} for r in rows
        ],
        "categories": [labels.name("categories", c) for c in categories],
        "urgencies": [labels.name("urgencies", u) for u in urgencies],
        "unit_periods": [labels.period(p, period) for p in shown],
        "units": sorted(units.items(), key=lambda kv: (-sum(kv[1]), kv[0])),
        "chart_category": Markup(charts.bars(
            "volume-category", names,
            {labels.name("categories", c): [cat[p][i] for p in periods]
             for i, c in enumerate(categories)},
            ylabel="pengaduan",
        )),
        "chart_urgency": Markup(charts.bars(
            "volume-urgency", names,
            {labels.name("urgencies", u): [urg[p][i] for p in periods]
             for i, u in enumerate(urgencies)},
            ylabel="pengaduan",
        )),
        "chart_shares": Markup(charts.lines(
            "volume-shares", names,
            {"perlu ditinjau": by_period.column("review_share"),
             "duplikat": by_period.column("duplicate_share")},
            ylabel="porsi pengaduan",
        )),
    }  # fmt: skip


def _deadlines(tables: Mapping[str, Table], labels: Labels, period: str) -> dict[str, Any] | None:
    if "deadline_by_unit" not in tables:
        return None
    units = tables["deadline_by_unit"].records()
    behind = [u for u in units if u["late"]][:8]
    by_period = tables["deadline_by_period"]
    names, rows = _by_period(by_period, labels, period)
    return {
        "units": units,
        "behind": behind,
        "urgencies": [
            {**r, "name": labels.name("urgencies", r["urgency"])}
            for r in tables["deadline_by_urgency"].records()
        ],
        "periods": rows,
        "chart_periods": Markup(charts.lines(
            "deadline-periods", names, {"tepat waktu": by_period.column("on_time_share")},
            ylabel="porsi yang jatuh tempo",
        )),
        "chart_behind": Markup(charts.hbars(
            "deadline-behind", [u["unit_name"] for u in behind],
            {"tepat waktu": [u["on_time"] for u in behind],
             "terlambat": [u["late"] for u in behind]},
            xlabel="pengaduan jatuh tempo",
        )) if behind else None,
    }  # fmt: skip


def _districts(
    tables: Mapping[str, Table], labels: Labels, with_times: bool
) -> dict[str, Any] | None:
    if "by_kecamatan" not in tables:
        return None
    rows = tables["by_kecamatan"].records()
    drawn = rows[:_CHART_DISTRICTS]
    return {
        "rows": rows,
        "with_times": with_times,
        "urgencies": [labels.name("urgencies", u) for u in URGENCIES],
        "kelurahan": tables["by_kelurahan"].records()[:_KELURAHAN_SHOWN]
        if "by_kelurahan" in tables
        else [],
        "drawn": len(drawn),
        "chart": Markup(charts.hbars(
            "districts", [r["kecamatan"] or "(tanpa kecamatan)" for r in drawn],
            {labels.name("urgencies", u): [r["complaints"] * r[f"{u}_share"] for r in drawn]
             for u in URGENCIES},
            xlabel="pengaduan",
        )),
    }  # fmt: skip


def _health(tables: Mapping[str, Table], labels: Labels, period: str) -> dict[str, Any]:
    by_period = tables["health_by_period"]
    periods = by_period.column("period")
    names, rows = _by_period(by_period, labels, period)
    histogram = tables["confidence_histogram"]
    first, last = periods[0], periods[-1]
    bins = sorted(set(histogram.column("bin_start")))
    curves = {}
    for head in ("category", "urgency"):
        for which, p in (("pertama", first), ("terakhir", last)):
            shares = histogram.where(period=p, head=head).column("share")
            curves[f"{labels.name('heads', head)}, periode {which}"] = shares
    bin_names = [f"{b:.1f}" for b in bins]
    return {
        "periods": rows,
        "first": labels.period(first, period),
        "last": labels.period(last, period),
        "bins": [
            {"name": f"{b:.1f}{_DASH}{b + 0.1:.1f}", "shares": [c[i] for c in curves.values()]}
            for i, b in enumerate(bins)
        ],
        "curve_names": list(curves),
        "alert": PSI_ALERT,
        "chart_confidence": Markup(charts.lines(
            "health-confidence", bin_names, curves, ylabel="porsi pengaduan",
        )),
        "chart_drift": Markup(charts.lines(
            "health-drift", names,
            {"perlu ditinjau": by_period.column("review_share"),
             "PSI kategori": by_period.column("psi_category"),
             "PSI urgensi": by_period.column("psi_urgency")},
            ylabel="porsi / PSI", percent=False,
        )),
    }  # fmt: skip


def render_html(
    *,
    tables: Mapping[str, Table],
    examples: Mapping[str, list[str]],
    summary: Mapping[str, Any],
    labels: Labels,
    period: str,
    city: str,
    present: frozenset[str],
) -> str:
    """The page as one HTML string."""
    with_times = {"received_at", "answered_at"} <= present
    emerging = tables.get("emerging_terms")
    context = {
        "city": city,
        "period_name": labels.name("periods", period),
        "summary": summary,
        "first_period": labels.period(summary["first_period"], period),
        "last_period": labels.period(summary["last_period"], period),
        "previous_period": labels.period(summary["previous_period"], period)
        if summary["previous_period"]
        else None,
        "volume": _volume(tables, labels, period),
        "deadlines": _deadlines(tables, labels, period),
        "districts": _districts(tables, labels, with_times),
        "health": _health(tables, labels, period),
        "emerging": [
            {**r, "kind": labels.name("kinds", r["kind"]), "examples": examples.get(r["term"], [])}
            for r in emerging.records()
        ]
        if emerging is not None
        else None,
        "g2_threshold": G2_THRESHOLD,
    }
    return _environment().get_template("report.html.j2").render(context)
