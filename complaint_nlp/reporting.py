"""Writing evaluation reports (JSON, Markdown, PNG) and model cards."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

__all__ = ["markdown_report", "model_card", "write_report"]


def _table(rows: list[list[str]]) -> str:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in body])


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"  # None: not measured


def _per_class(metrics: dict[str, Any]) -> str:
    rows = [["class", "precision", "recall", "F1", "support"]]
    for label, m in metrics["per_class"].items():
        rows.append(
            [f"`{label}`", _f(m["precision"]), _f(m["recall"]), _f(m["f1"]), str(m["support"])]
        )
    return _table(rows)


def _confusion(metrics: dict[str, Any]) -> str:
    labels = metrics["labels"]
    rows = [["gold \\ predicted", *(f"`{label}`" for label in labels)]]
    for label, counts in zip(labels, metrics["confusion_matrix"], strict=True):
        rows.append([f"`{label}`", *(str(c) for c in counts)])
    return _table(rows)


def _urgency_lines(urgency: dict[str, Any]) -> list[str]:
    if "escalate" not in urgency:
        return []
    band, unsure = urgency["escalate"], urgency["high_unconfirmed"]
    curve = [["P(high) >=", "share called", "precision", "recall"]]
    curve += [
        [f"{p['threshold']:.2f}", f"{p['share']:.3f}", _f(p["precision"]), _f(p["recall"])]
        for p in urgency["high_pr_curve"]
    ]
    return [
        f"`high` called for {urgency['high_precision']:.3f} precision at recall "
        f"{urgency['high_recall']:.3f} (average precision of P(high): "
        f"{urgency['high_average_precision']:.3f}). Two bands: **escalated at once** "
        f"{band['share']:.1%} of complaints, precision {band['precision']:.3f}, recall "
        f"{band['recall']:.3f}; **`high` confirmed by a person first** {unsure['share']:.1%}, "
        f"precision {unsure['precision']:.3f}, recall {unsure['recall']:.3f}.",
        "",
        "Precision/recall of `high` by the probability bar:",
        "",
        _table(curve),
        "",
    ]


def _cue_table(cues: dict[str, dict[str, float]]) -> str:
    rows = [["cue", "fires on", "precision for `high`", "recall of `high`"]]
    rows += [
        [f"`{name}`", f"{c['share']:.1%}", _f(c["precision"]), _f(c["recall"])]
        for name, c in cues.items()
    ]
    return _table(rows)


def _side_by_side(reports: dict[str, dict[str, Any]]) -> str:
    first = next(iter(reports.values()))
    columns = {**{f"**{n}**": r for n, r in reports.items()}, **first["baselines"]}
    rows = [["head", "class", *columns]]
    for head in ("category", "urgency"):
        for label in first[head]["labels"]:
            rows.append(
                [head, f"`{label}`"]
                + [_f(r[head]["per_class"][label]["f1"]) for r in columns.values()]
            )
    return _table(rows)


def _summary_row(name: str, r: dict[str, Any]) -> list[str]:
    cat, urg, unit = r["category"], r["urgency"], r["unit"]
    top3 = _f(unit["top3_accuracy"]) if "top3_accuracy" in unit else "-"
    return [
        name,
        _f(cat["accuracy"]),
        _f(cat["macro_f1"]),
        _f(urg["accuracy"]),
        _f(urg["macro_f1"]),
        _f(urg["high_recall"]),
        _f(urg["per_class"]["high"]["precision"]),
        _f(unit["top1_accuracy"]),
        top3,
    ]


def _coverage_table(r: dict[str, Any]) -> str:
    rows = [["coverage", "category acc", "urgency acc"]]
    for c, u in zip(
        r["category"]["accuracy_vs_coverage"], r["urgency"]["accuracy_vs_coverage"], strict=True
    ):
        rows.append([f"{c['coverage']:.1f}", _f(c["accuracy"]), _f(u["accuracy"])])
    return _table(rows)


def markdown_report(reports: dict[str, dict[str, Any]], *, scope: str | None = None) -> str:
    """Side-by-side Markdown of model reports (name -> :func:`evaluate` output); ``scope`` names
    what was scored when it is not the gold test set (e.g. a labelled file of another city)."""
    first = next(iter(reports.values()))
    rows = [
        [
            "model",
            "category acc",
            "category macro-F1",
            "urgency acc",
            "urgency macro-F1",
            "`high` recall",
            "`high` precision",
            "unit top-1",
            "unit top-3",
        ]
    ]
    rows += [_summary_row(f"**{name}**", r) for name, r in reports.items()]
    rows += [
        _summary_row(f"baseline: {n}", first["baselines"][n])
        for n in ("tfidf_linearsvc", "majority")
    ]
    intro = (
        f"Gold test: {first['category']['n']} annotated complaints of the test months (never "
        "seen in training or threshold choice). Baselines are fitted in the same run on the "
        "same training rows."
        if scope is None
        else f"Scored: {scope}, as the models are shipped. Baselines are fitted in this run on "
        "every gold row of the processed table."
    )
    out = [
        "# Evaluation on the gold test set" if scope is None else f"# Evaluation on {scope}",
        "",
        intro,
        "",
        _table(rows),
        "",
        "F1 per class, side by side:",
        "",
        _side_by_side(reports),
    ]
    for name, r in reports.items():
        review = r["review"]
        out += [
            "",
            f"## {name}",
            "",
            f"Needs review: {1 - review['coverage']:.1%} of complaints; category accuracy on "
            f"the rest {review['category_accuracy_auto']}, on the flagged ones "
            f"{review['category_accuracy_review']}.",
            "",
            *_signal_lines(r["urgency"].get("safety_signals")),
            "### Category",
            "",
            _per_class(r["category"]),
            "",
            _confusion(r["category"]),
            "",
            "### Urgency",
            "",
            _per_class(r["urgency"]),
            "",
            _confusion(r["urgency"]),
            "",
            *_urgency_lines(r["urgency"]),
            *(
                [
                    "### Cues (a cue that fires, taken as a sign of `high`)",
                    "",
                    _cue_table(r["cues"]),
                    "",
                ]
                if "cues" in r
                else []
            ),
            "### Accuracy vs coverage (most confident first)",
            "",
            _coverage_table(r),
        ]
    return "\n".join(out) + "\n"


def _signal_lines(signals: dict[str, Any] | None) -> list[str]:
    if signals is None:
        return []
    return [
        f"Safety lexicon alone (a match taken as `high`): matches {signals['flagged_share']:.1%} "
        f"of complaints, precision {signals['precision']:.3f}, `high` recall "
        f"{signals['recall']:.3f}. The model's `high` recall on `high` complaints with a match: "
        f"{signals['model_recall_with_signal']}, without one: "
        f"{signals['model_recall_without_signal']}.",
        "",
    ]


def _plots(name: str, report: dict[str, Any], directory: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(17, 5))
    for ax, head in zip(axes[:2], ("category", "urgency"), strict=True):
        matrix = report[head]["confusion_matrix"]
        labels = report[head]["labels"]
        ax.imshow(matrix, cmap="Blues")
        ax.set_xticks(range(len(labels)), labels, rotation=35, ha="right")
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        ax.set_title(f"{head} confusion matrix")
        for i, row in enumerate(matrix):
            for j, value in enumerate(row):
                ax.text(j, i, str(value), ha="center", va="center", fontsize=8)
    ax = axes[2]
    for head in ("category", "urgency"):
        curve = report[head]["accuracy_vs_coverage"]
        ax.plot(
            [c["coverage"] for c in curve], [c["accuracy"] for c in curve], marker="o", label=head
        )
    ax.set_xlabel("coverage (most confident first)")
    ax.set_ylabel("accuracy")
    ax.set_title("accuracy vs coverage")
    ax.legend()
    fig.tight_layout()
    # A file name a shell takes as it is: "complaint-classifier-1.14.0-recipe-lean.png".
    path = directory / f"{re.sub(r'[^A-Za-z0-9._]+', '-', name).strip('-')}.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def write_report(
    reports: dict[str, dict[str, Any]], directory: Path, *, scope: str | None = None
) -> list[Path]:
    """Write ``report.json``, ``report.md`` and one PNG per model into ``directory``; returns
    those files (not whatever else the folder holds)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / "report.json", directory / "report.md"]
    written[0].write_text(json.dumps(reports, indent=2) + "\n")
    written[1].write_text(markdown_report(reports, scope=scope))
    return written + [_plots(name, report, directory) for name, report in reports.items()]


_INTENDED_USE = """## Intended use
Triage of Indonesian citizen complaints to a city government: a category (LABELS.md), an urgency
and the likely responsible units, with confidences, a `needs_review` flag and explanation terms.
It assists complaint-desk staff and does not replace them: complaints flagged `needs_review` go to
a person, and `high` urgency is tuned for recall (many false alarms by design).
"""

_LIMITS = """## Limits and known failure modes
- Trained on one city's complaints (Surabaya): place names and local programmes (WargaKu, MBR,
  Klampid) are learnt as words; another city's wording will score lower until its own
  complaints are added (officers' corrections, `build_dataset.py --feedback`).
- `high` urgency is rare and its line to `medium` is thin (trees that *may* fall, potholes
  *before* an accident); to find nine in ten `high` complaints the model calls about a third of
  all complaints `high`. Only the confident ones escalate at once; the rest are flagged
  `needs_review` so that a person confirms them first.
- `human_resources`, `bureaucracy` and `information_technology` are often confused when a
  complaint mentions several; the annotations themselves are debatable there.
- Units are Surabaya's agencies mapped to generic unit codes; units with fewer than six training
  complaints are never predicted and are left to the routing table.
- Very short texts (a few words) get low confidence and `needs_review`.
"""


def _fitting_lines(metadata: dict[str, Any]) -> list[str]:
    fitted, held = metadata["fitted_on"], metadata["held_out"]
    evaluation = metadata.get("evaluation_model")
    lines = [
        f"- **This model** was fitted on {fitted['rows']} complaints of {fitted['dates']} "
        f"(splits {', '.join(fitted['splits'])}). Its thresholds were chosen on forward-chained "
        "predictions, each two-month block scored by heads fitted only on the months before it "
        f"({'; '.join(held['blocks'])}), never on rows a model was fitted on. There: category "
        f"macro-F1 {held['category_macro_f1']}, urgency macro-F1 {held['urgency_macro_f1']}, "
        f"`high` recall {held['high_recall']} at precision {held['high_precision']}, escalation "
        f"precision {held['escalate_precision']} at recall {held['escalate_recall']}.",
    ]
    if evaluation is not None:
        e_fitted, e_held = evaluation["fitted_on"], evaluation["held_out"]
        lines.append(
            f"- **The metrics below** are of the same recipe (same code, data, seed) fitted on "
            f"the train and validation months only ({e_fitted['rows']} complaints of "
            f"{e_fitted['dates']}), with thresholds from its own forward-chained blocks "
            f"({'; '.join(e_held['blocks'])}), scored on the gold test set: the annotated "
            "complaints of the last two months, which it never saw."
        )
    else:
        lines.append(
            "- **The metrics below** are of this model on the gold test set: the annotated "
            "complaints of the last two months, which it never saw."
        )
    return lines


def _held_out_cues(metadata: dict[str, Any]) -> list[str]:
    cues = metadata.get("evaluation_model", metadata)["held_out"].get("cues")
    if not cues:
        return []
    return [
        "## Cues on the held-out blocks (validation)",
        "",
        "Measured on the forward-chained blocks the thresholds were chosen on (months the heads "
        "that scored them never saw), before the gold test was read:",
        "",
        _cue_table(cues),
        "",
    ]


def model_card(name: str, version: str, metadata: dict[str, Any]) -> str:
    """The Markdown model card of a model version, from its metadata."""
    data = metadata["data"]
    report = markdown_report({f"{name} {version}": metadata["metrics"]})
    metrics = report[report.index("| model |") :]  # from the summary table's header on
    return "\n".join(
        [
            f"# Model card: {name} {version}",
            "",
            _INTENDED_USE,
            "## Data and fitting",
            "- Source: Surabaya Media Center complaints 2022-01 .. 2023-02 (no licence: trained "
            "on, never redistributed) with our annotations (LABELS.md); PII masked first.",
            f"- Processed table sha256 `{data['sha256']}`; {data['rows']} complaints after "
            f"removing duplicates; splits by time: {data['split_dates']}.",
            *_fitting_lines(metadata),
            "",
            f"## Backend: `{metadata['backend']}`, seed {metadata['config']['seed']}",
            "",
            f"Operating points: {metadata['config']}.",
            "",
            "## Metrics on the gold test set",
            "",
            metrics,
            *_held_out_cues(metadata),
            _LIMITS,
            f"Library versions: {metadata['library_versions']}",
            "",
        ]
    )
