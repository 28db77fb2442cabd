"""Routing: which unit of a city must act on a classified complaint, who is copied, by when.

The routing table is data (``data/routing/kota-serang.toml``, replaceable by path), validated
with pydantic when it is loaded; :func:`route` is a pure function of a classification and a table.
A table's ``rules`` come first: each names cues (:mod:`complaint_nlp.cues`) that make it apply,
and sends the complaint to a unit (copying the one the model chose), escalates it, or marks and
relabels a message that reports no failure.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from complaint_nlp._resources import PathLike, data_file, read_data_text
from complaint_nlp.cues import CueSet
from complaint_nlp.exceptions import DataFileError, InvalidInputError
from complaint_nlp.labels import CATEGORIES, UNITS, URGENCIES
from complaint_nlp.results import Classification, Route

__all__ = [
    "Route",
    "RoutingTable",
    "Rule",
    "Unit",
    "apply_rules",
    "load_routing_table",
    "manual_classification",
    "route",
    "route_with_rules",
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


class Rule(_Strict):
    """A city's rule, applied before the model's unit codes: when one of ``cues`` fired (and
    none of ``unless_cues``), the complaint goes to ``unit`` (the unit the model chose is copied
    when ``cc_model_unit``), escalates or not (``escalate``), and may be relabelled
    (``category``, ``urgency``) and marked with a ``kind``."""

    name: str = Field(min_length=1)
    means: str = Field(min_length=1)
    cues: tuple[str, ...] = Field(min_length=1)
    unless_cues: tuple[str, ...] = ()
    unit: str | None = None
    cc_model_unit: bool = False
    escalate: bool | None = None
    category: str | None = None
    urgency: str | None = None
    kind: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _known_labels(self) -> Rule:
        known = set(CueSet().names)
        for cue in (*self.cues, *self.unless_cues):
            if cue not in known:
                raise ValueError(
                    f"rule {self.name!r}: unknown cue {cue!r}; one of {', '.join(sorted(known))}"
                )
        if self.category is not None and self.category not in CATEGORIES:
            raise ValueError(f"rule {self.name!r}: unknown category {self.category!r}")
        if self.urgency is not None and self.urgency not in URGENCIES:
            raise ValueError(f"rule {self.name!r}: unknown urgency {self.urgency!r}")
        if self.unit is None and self.category is None and self.urgency is None:
            raise ValueError(f"rule {self.name!r} changes nothing: give a unit or labels")
        return self

    def applies(self, cues: list[str]) -> bool:
        found = set(cues)
        return bool(found.intersection(self.cues)) and not found.intersection(self.unless_cues)


class RoutingTable(_Strict):
    """A city's units, its triage desk, its default response deadlines and its rules."""

    city: str = Field(min_length=1)
    triage_unit: str
    sla_hours: dict[str, float]
    units: tuple[Unit, ...] = Field(min_length=1)
    rules: tuple[Rule, ...] = ()

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
        names = [r.name for r in self.rules]
        for rule in self.rules:
            if names.count(rule.name) > 1:
                raise ValueError(f"rules: duplicate name {rule.name!r}")
            if rule.unit is not None and rule.unit not in ids:
                raise ValueError(f"rule {rule.name!r}: unit {rule.unit!r} is not one of the units")
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
        """The unit of highest priority that handles ``value`` of ``kind`` ("unit_codes" or
        "categories")."""
        return self._handlers[kind].get(value)

    @functools.cached_property
    def _handlers(self) -> dict[str, dict[str, Unit]]:
        # Looked up once per table: scanning every unit per complaint was 0.7 of the CLI's
        # 24 s for 30,000 rows in a profile (2026-12-01). Priorities never tie (validated).
        handlers: dict[str, dict[str, Unit]] = {"unit_codes": {}, "categories": {}}
        for kind, found in handlers.items():
            for unit in self.units:
                for value in getattr(unit, kind):
                    if value not in found or unit.priority > found[value].priority:
                        found[value] = unit
        return handlers

    def sla(self, unit: Unit, urgency: str) -> float:
        return unit.sla_hours.get(urgency, self.sla_hours[urgency])


@functools.lru_cache(maxsize=8)
def _load(path: Path) -> RoutingTable:
    try:
        raw = tomllib.loads(read_data_text(path))
    except FileNotFoundError:
        raise DataFileError(f"routing table not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:  # a folder, no permission, not UTF-8
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise DataFileError(f"routing table unreadable: {path}: {reason}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path}: not valid TOML: {exc}") from None
    try:
        return RoutingTable.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            kind = error["loc"][0] if error["loc"] else ""
            if kind in ("units", "rules") and len(error["loc"]) > 1:
                index = int(error["loc"][1])
                key = "id" if kind == "units" else "name"
                entry = raw.get(kind, [{}] * (index + 1))[index]
                label = entry.get(key, "?") if isinstance(entry, dict) else "?"
                where = f"{kind}[{index}] ({key} {label!r})" + "".join(
                    f".{p}" for p in error["loc"][2:]
                )
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        # One line, every problem named: the CLI prints an error as one "error:" line.
        raise DataFileError(f"{path}: invalid routing table: " + "; ".join(problems)) from None


def load_routing_table(path: PathLike | None = None) -> RoutingTable:
    """The routing table at ``path``, or Kota Serang's shipped one. Refuses an invalid table
    with :class:`DataFileError`, naming each problem and where it is."""
    return _load(Path(path) if path is not None else data_file(DEFAULT_TABLE))


def _choose(
    classification: Classification, table: RoutingTable
) -> tuple[Unit | None, list[str], list[Unit]]:
    reasons = []
    candidates: list[Unit] = []
    for code, score in classification.units:
        unit = table.handler("unit_codes", code)
        # By identity: a unit compared by value compares every field (0.3 s in that profile).
        if unit is not None and all(unit is not c for c in candidates):
            candidates.append(unit)
            reasons.append(f"unit code {code!r} (score {score:.2f}) is handled by {unit.id!r}")
    by_category = table.handler("categories", classification.category)
    if by_category is not None and all(by_category is not c for c in candidates):
        candidates.append(by_category)
        reasons.append(f"category {classification.category!r} is handled by {by_category.id!r}")
    chosen = candidates[0] if candidates else None
    return chosen, reasons[:1] if chosen else [], candidates[1:]


def apply_rules(
    classification: Classification, table: RoutingTable
) -> tuple[Classification, Rule | None]:
    """The first of ``table``'s rules that applies to ``classification``'s cues, and the
    classification with that rule's labels and escalation (a relabelled urgency other than
    ``high`` never escalates)."""
    for rule in table.rules:
        if rule.applies(classification.cues):
            urgency = rule.urgency or classification.urgency
            escalate = classification.escalate and urgency == "high"
            return dataclasses.replace(
                classification,
                category=rule.category or classification.category,
                urgency=urgency,
                escalate=escalate if rule.escalate is None else rule.escalate,
            ), rule
    return classification, None


def route_with_rules(
    classification: Classification, table: RoutingTable | None = None
) -> tuple[Classification, Route]:
    """The classification after ``table``'s rules, and its :func:`route`."""
    if not isinstance(classification, Classification):
        raise InvalidInputError(
            f"route() takes a Classification, got {type(classification).__name__}"
        )
    table = table or load_routing_table()
    if classification.urgency not in URGENCIES:
        raise InvalidInputError(f"unknown urgency {classification.urgency!r}")
    effective, rule = apply_rules(classification, table)
    chosen, reasons, others = _choose(effective, table)
    triage = table.by_id[table.triage_unit]
    best_guess = None
    cc: list[str] = []
    if rule is not None and rule.unit is not None:
        lead = table.by_id[rule.unit]
        led = [f"rule {rule.name!r}: {rule.means} -> {lead.id!r}"]
        if rule.cc_model_unit and chosen is not None and chosen is not lead:
            cc.append(chosen.id)
            led.append(f"{chosen.id!r} copied: {reasons[0]}")
        reasons = led
        others = [u for u in ([chosen] if chosen else []) + others if u is not lead]
        chosen = lead
    elif effective.needs_review or chosen is None:
        if chosen is not None:
            best_guess = {"unit_id": chosen.id, "unit_name": chosen.name}
            others = [chosen, *others]
        reasons = [
            _review_reason(effective)
            if effective.needs_review
            else "no unit handles these unit codes or this category"
        ] + [f"best guess: {r}" for r in reasons]
        chosen = triage
    if rule is not None and rule.unit is None:
        reasons.insert(
            0,
            f"rule {rule.name!r}: {rule.means} -> {effective.category} / {effective.urgency} "
            f"(the model said {classification.category} / {classification.urgency})",
        )
    escalate = effective.escalate
    if escalate:
        reasons.append("high urgency: escalated")
    elif effective.urgency == "high":
        reasons.append("possibly urgent: a person confirms before the unit is paged")
    return effective, Route(
        unit_id=chosen.id,
        unit_name=chosen.name,
        sla_hours=table.sla(chosen, effective.urgency),
        escalate=escalate,
        reasons=reasons,
        alternatives=[{"unit_id": u.id, "unit_name": u.name} for u in others if u is not chosen],
        best_guess=best_guess,
        cc=cc,
        rule=rule.name if rule is not None else None,
        kind=rule.kind if rule is not None else None,
    )


def _review_reason(classification: Classification) -> str:
    if classification.urgency == "high" and not classification.escalate:
        return "possibly urgent but not certain: a person confirms the labels first"
    return "the model is not confident enough: a person confirms the labels first"


def route(classification: Classification, table: RoutingTable | None = None) -> Route:
    """The unit that must act on ``classification``, its deadline, and the reasons.

    The table's rules come first (see :func:`apply_rules`); otherwise complaints flagged
    ``needs_review`` go to the triage desk with the best guess attached, and a complaint no
    unit covers goes there too. A ``high`` the model is confident about escalates.
    """
    return route_with_rules(classification, table)[1]


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
        escalate=urgency == "high",
    )
