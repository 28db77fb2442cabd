"""Routing: which unit of a city must act on a classified complaint, and by when.

The routing table is data (``data/routing/kota-serang.toml``, replaceable by path), validated
with pydantic when it is loaded; :func:`route` is a pure function of a classification and a table.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from complaint_nlp._resources import PathLike, data_file
from complaint_nlp.classifier import Classification
from complaint_nlp.exceptions import DataFileError, InvalidInputError
from complaint_nlp.labels import CATEGORIES, UNITS, URGENCIES

__all__ = [
    "Route",
    "RoutingTable",
    "Unit",
    "load_routing_table",
    "manual_classification",
    "route",
]

DEFAULT_TABLE = "routing/kota-serang.toml"


def _check_sla(hours: dict[str, float], where: str) -> None:
    for urgency, value in hours.items():
        if urgency not in URGENCIES:
            raise ValueError(f"{where}: unknown urgency {urgency!r}")
        if value <= 0:
            raise ValueError(f"{where}.{urgency} must be > 0")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Unit(_Strict):
    """A government unit that receives complaints."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    unit_codes: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    priority: int = 0
    sla_hours: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_labels(self) -> Unit:
        for code in self.unit_codes:
            if code not in UNITS:
                raise ValueError(f"unit {self.id!r}: unknown unit code {code!r}")
        for category in self.categories:
            if category not in CATEGORIES:
                raise ValueError(f"unit {self.id!r}: unknown category {category!r}")
        _check_sla(self.sla_hours, f"unit {self.id!r}: sla_hours")
        return self


class RoutingTable(_Strict):
    """A city's units, its triage desk and its default response deadlines."""

    city: str = Field(min_length=1)
    triage_unit: str
    sla_hours: dict[str, float]
    units: tuple[Unit, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> RoutingTable:
        missing = [u for u in URGENCIES if u not in self.sla_hours]
        if missing:
            raise ValueError(f"sla_hours: missing deadline for urgency {', '.join(missing)}")
        _check_sla(self.sla_hours, "sla_hours")
        ids = [u.id for u in self.units]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"units: duplicate id {', '.join(duplicates)}")
        if self.triage_unit not in ids:
            raise ValueError(f"triage_unit {self.triage_unit!r} is not one of the units")
        for kind, label in (("unit_codes", "unit code"), ("categories", "category")):
            claims: dict[tuple[str, int], str] = {}
            for unit in self.units:
                for value in getattr(unit, kind):
                    other = claims.setdefault((value, unit.priority), unit.id)
                    if other != unit.id:
                        raise ValueError(
                            f"units {other!r} and {unit.id!r} both handle {label} {value!r} "
                            f"with priority {unit.priority}: give one a higher priority"
                        )
        return self

    @functools.cached_property
    def by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}

    def handler(self, kind: str, value: str) -> Unit | None:
        """The unit of highest priority that handles ``value`` (a unit code or a category)."""
        candidates = [u for u in self.units if value in getattr(u, kind)]
        return max(candidates, key=lambda u: u.priority) if candidates else None

    def sla(self, unit: Unit, urgency: str) -> float:
        return unit.sla_hours.get(urgency, self.sla_hours[urgency])


@functools.lru_cache(maxsize=8)
def _load(path: Path) -> RoutingTable:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(f"routing table not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path}: not valid TOML: {exc}") from None
    try:
        return RoutingTable.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            if error["loc"][:1] == ("units",) and len(error["loc"]) > 1:
                index = error["loc"][1]
                unit_id = raw.get("units", [{}] * (int(index) + 1))[int(index)].get("id", "?")
                where = f"units[{index}] (id {unit_id!r})" + "".join(
                    f".{p}" for p in error["loc"][2:]
                )
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        raise DataFileError(f"{path}: invalid routing table:\n  " + "\n  ".join(problems)) from None


def load_routing_table(path: PathLike | None = None) -> RoutingTable:
    """The routing table at ``path``, or Kota Serang's shipped one. Refuses an invalid table
    with :class:`DataFileError`, naming each problem and where it is."""
    return _load(Path(path) if path is not None else data_file(DEFAULT_TABLE))


@dataclass(frozen=True)
class Route:
    """Who must act on a complaint, by when, and why."""

    unit_id: str
    unit_name: str
    sla_hours: float
    escalate: bool
    reasons: list[str]
    alternatives: list[dict[str, str]] = field(default_factory=list)
    best_guess: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "sla_hours": self.sla_hours,
            "escalate": self.escalate,
            "reasons": list(self.reasons),
            "alternatives": [dict(a) for a in self.alternatives],
            "best_guess": dict(self.best_guess) if self.best_guess else None,
        }


def _choose(
    classification: Classification, table: RoutingTable
) -> tuple[Unit | None, list[str], list[Unit]]:
    reasons = []
    candidates: list[Unit] = []
    for code, score in classification.units:
        unit = table.handler("unit_codes", code)
        if unit is not None and unit not in candidates:
            candidates.append(unit)
            reasons.append(f"unit code {code!r} (score {score:.2f}) is handled by {unit.id!r}")
    by_category = table.handler("categories", classification.category)
    if by_category is not None and by_category not in candidates:
        candidates.append(by_category)
        reasons.append(f"category {classification.category!r} is handled by {by_category.id!r}")
    chosen = candidates[0] if candidates else None
    return chosen, reasons[:1] if chosen else [], candidates[1:]


def route(classification: Classification, table: RoutingTable | None = None) -> Route:
    """The unit that must act on ``classification``, its deadline, and the reasons.

    Complaints flagged ``needs_review`` go to the triage desk with the best guess attached; a
    complaint no rule covers goes there too. ``high`` urgency escalates.
    """
    if not isinstance(classification, Classification):
        raise InvalidInputError(
            f"route() takes a Classification, got {type(classification).__name__}"
        )
    table = table or load_routing_table()
    if classification.urgency not in URGENCIES:
        raise InvalidInputError(f"unknown urgency {classification.urgency!r}")
    chosen, reasons, others = _choose(classification, table)
    triage = table.by_id[table.triage_unit]
    best_guess = None
    if classification.needs_review or chosen is None:
        if chosen is not None:
            best_guess = {"unit_id": chosen.id, "unit_name": chosen.name}
            others = [chosen, *others]
        reasons = [
            "the model is not confident enough: a person confirms the labels first"
            if classification.needs_review
            else "no unit handles these unit codes or this category"
        ] + [f"best guess: {r}" for r in reasons]
        chosen = triage
    if classification.urgency == "high":
        reasons.append("high urgency: escalated")
    return Route(
        unit_id=chosen.id,
        unit_name=chosen.name,
        sla_hours=table.sla(chosen, classification.urgency),
        escalate=classification.urgency == "high",
        reasons=reasons,
        alternatives=[{"unit_id": u.id, "unit_name": u.name} for u in others if u is not chosen],
        best_guess=best_guess,
    )


def manual_classification(category: str, urgency: str, unit: str | None = None) -> Classification:
    """A :class:`Classification` for labels a person chose (routing without the model)."""
    if category not in CATEGORIES:
        raise InvalidInputError(f"unknown category {category!r}; one of {', '.join(CATEGORIES)}")
    if urgency not in URGENCIES:
        raise InvalidInputError(f"unknown urgency {urgency!r}; one of {', '.join(URGENCIES)}")
    if unit is not None and unit not in UNITS:
        raise InvalidInputError(f"unknown unit code {unit!r}")
    return Classification(
        category=category,
        category_confidence=1.0,
        urgency=urgency,
        urgency_confidence=1.0,
        units=[(unit, 1.0)] if unit else [],
        needs_review=False,
        explanation={},
        safety_signals=[],
    )
