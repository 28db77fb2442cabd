from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import complaint_nlp
from complaint_nlp import Classification, DataFileError, InvalidInputError, Triager, route
from complaint_nlp.labels import CATEGORIES, UNITS, URGENCIES
from complaint_nlp.routing import load_routing_table, manual_classification, route_with_rules

TABLE = load_routing_table()


@pytest.mark.parametrize(
    ("category", "urgency", "unit", "unit_id", "sla"),
    [
        ("infrastructure", "high", "public_works", "dpupr", 12),
        ("infrastructure", "medium", "public_works", "dpupr", 72),
        ("infrastructure", "low", "transport", "dishub", 168),
        ("infrastructure", "high", "environment_sanitation", "dlh", 12),
        ("infrastructure", "high", "water_utility", "pdam", 12),
        ("infrastructure", "high", "disaster_management", "bpbd", 2),
        ("infrastructure", "medium", None, "dpupr", 72),  # by category
        ("human_resources", "medium", "sub_district", "kewilayahan", 72),
        ("human_resources", "medium", None, "bkpsdm", 72),
        ("bureaucracy", "medium", "civil_registry", "disdukcapil", 72),
        ("bureaucracy", "low", None, "organisasi", 168),
        ("information_technology", "medium", None, "diskominfo", 72),
        ("information_technology", "high", "communication_it", "diskominfo", 24),
        ("other", "low", "public_order", "satpolpp", 168),
        ("other", "medium", None, "triase", 72),
        ("other", "high", "health", "dinkes", 6),
        ("bureaucracy", "medium", "planning", "organisasi", 72),  # no unit for planning: category
    ],
)
def test_route_table(
    category: str, urgency: str, unit: str | None, unit_id: str, sla: float
) -> None:
    result = route(manual_classification(category, urgency, unit), TABLE)
    assert (result.unit_id, result.sla_hours) == (unit_id, sla)
    assert result.escalate == (urgency == "high")
    assert result.unit_name == TABLE.by_id[unit_id].name
    assert result.reasons


@pytest.mark.parametrize(
    ("text", "unit_id", "escalate"),
    [
        ("Pohon besar tumbang menutup jalan, kabel listrik putus", "dlh", True),
        ("Aspal jalan perumahan mengelupas dan bergelombang mohon ditambal", "dpupr", False),
        ("KTP elektronik saya belum jadi padahal sudah rekam 4 bulan lalu", "disdukcapil", False),
        ("Air PDAM tidak mengalir sudah 3 hari di seluruh RW kami", "pdam", True),
        ("Banyak juru parkir liar di depan pasar minta tarif mahal", "dishub", False),
    ],
)
def test_written_complaints_reach_the_right_unit(text: str, unit_id: str, escalate: bool) -> None:
    classification = complaint_nlp.load().classify(text)
    result = route(classification, TABLE)
    expected = "triase" if classification.needs_review else unit_id
    assert result.unit_id == expected
    if classification.needs_review:
        assert result.best_guess is not None and result.best_guess["unit_id"] == unit_id
    assert result.escalate == escalate


def test_needs_review_goes_to_triage_with_the_best_guess() -> None:
    sure = manual_classification("bureaucracy", "medium", "civil_registry")
    unsure = Classification(**{**sure.__dict__, "needs_review": True})
    result = route(unsure, TABLE)
    assert result.unit_id == "triase"
    assert result.best_guess == {
        "unit_id": "disdukcapil",
        "unit_name": TABLE.by_id["disdukcapil"].name,
    }
    assert "disdukcapil" in [a["unit_id"] for a in result.alternatives]


def test_alternatives_list_the_other_plausible_units() -> None:
    c = manual_classification("infrastructure", "medium", "public_works")
    several = Classification(
        **{
            **c.__dict__,
            "units": [
                ("public_works", 0.5),
                ("environment_sanitation", 0.4),
                ("sub_district", 0.1),
            ],
        }
    )
    result = route(several, TABLE)
    assert result.unit_id == "dpupr"
    assert [a["unit_id"] for a in result.alternatives] == ["dlh", "kewilayahan"]


classifications = st.builds(
    Classification,
    category=st.sampled_from(CATEGORIES),
    category_confidence=st.floats(0, 1),
    urgency=st.sampled_from(URGENCIES),
    urgency_confidence=st.floats(0, 1),
    units=st.lists(st.tuples(st.sampled_from(UNITS), st.floats(0, 1)), max_size=3),
    needs_review=st.booleans(),
    explanation=st.just({}),
    safety_signals=st.just([]),
)


@settings(max_examples=300, deadline=None)
@given(classifications)
def test_route_never_raises_for_a_valid_classification(c: Classification) -> None:
    result = route(c, TABLE)
    assert result.unit_id in TABLE.by_id
    assert result.sla_hours > 0
    if c.needs_review:
        assert result.unit_id == TABLE.triage_unit


def test_route_rejects_other_input() -> None:
    with pytest.raises(InvalidInputError):
        route({"category": "other"})  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        manual_classification("roads", "high")


VALID = """
city = "Kota Contoh"
triage_unit = "meja"
[sla_hours]
high = 24
medium = 72
low = 168
[[units]]
id = "meja"
name = "Meja Triase"
[[units]]
id = "pu"
name = "Dinas PU"
unit_codes = ["public_works"]
categories = ["infrastructure"]
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('unit_codes = ["public_works"]', 'unit_codes = ["roads"]'),
            r"units\[1\] \(id 'pu'\).*unknown unit code 'roads'",
        ),
        (("low = 168\n", ""), "missing deadline for urgency low"),
        (
            ('triage_unit = "meja"', 'triage_unit = "desk"'),
            "triage_unit 'desk' is not one of the units",
        ),
        (('id = "pu"', 'id = "meja"'), "duplicate id meja"),
        (('categories = ["infrastructure"]', 'categories = ["roads"]'), "unknown category 'roads'"),
        (('name = "Dinas PU"', 'name = "Dinas PU"\ncolour = "red"'), "colour"),
        (("high = 24", "high = -1"), r"sla_hours.high must be > 0"),
        (("city =", "city"), "not valid TOML"),
    ],
)
def test_invalid_tables_are_refused_naming_the_problem(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = tmp_path / "table.toml"
    path.write_text(VALID.replace(*change), encoding="utf-8")
    with pytest.raises(DataFileError, match=message):
        load_routing_table(path)


def test_overlapping_rules_need_a_priority(tmp_path: Path) -> None:
    overlap = VALID + '[[units]]\nid = "dlh"\nname = "DLH"\nunit_codes = ["public_works"]\n'
    path = tmp_path / "overlap.toml"
    path.write_text(overlap, encoding="utf-8")
    with pytest.raises(DataFileError, match="both handle unit code 'public_works'"):
        load_routing_table(path)
    path.write_text(overlap + "priority = 1\n", encoding="utf-8")
    table = load_routing_table(path)
    assert (
        route(manual_classification("infrastructure", "low", "public_works"), table).unit_id
        == "dlh"
    )


def test_missing_table(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="not found"):
        load_routing_table(tmp_path / "none.toml")


def test_unreadable_table(tmp_path: Path) -> None:
    # Before: a folder or a file that is not UTF-8 raised OSError or UnicodeDecodeError.
    with pytest.raises(DataFileError, match=r"unreadable: .*Is a directory"):
        load_routing_table(tmp_path)
    (tmp_path / "latin1.toml").write_bytes('city = "Kota Tangerang Selatan \xe9"'.encode("latin-1"))
    with pytest.raises(DataFileError, match=r"unreadable: .*not UTF-8 text"):
        load_routing_table(tmp_path / "latin1.toml")


def with_cues(classification: Classification, *cues: str) -> Classification:
    return Classification(**{**classification.__dict__, "cues": list(cues)})


@pytest.mark.parametrize(
    ("labels", "cues", "unit_id", "cc", "rule", "kind", "escalate"),
    [
        # Life safety: the disaster unit leads, the unit that repairs is copied, paged at once.
        (("infrastructure", "medium", "public_works"), ["people_in_danger"],
         "bpbd", ["dpupr"], "life_safety", None, True),
        # Conduct: the inspectorate leads, never the accused officer's unit alone.
        (("human_resources", "medium", "public_order"), ["officer_misconduct"],
         "inspektorat", ["satpolpp"], "conduct", None, False),
        # Not a failure: relabelled other / low, marked, never escalated; the unit it concerns
        # still hears of it.
        (("infrastructure", "high", "public_works"), ["resolved"],
         "dpupr", [], "resolved", "resolved", False),
        (("bureaucracy", "medium", "civil_registry"), ["appreciation"],
         "disdukcapil", [], "appreciation", "appreciation", False),
        # A request beside praise is still a complaint: no rule.
        (("bureaucracy", "medium", "civil_registry"), ["appreciation", "request"],
         "disdukcapil", [], None, None, False),
    ],
)  # fmt: skip
def test_rules_of_the_routing_table(
    labels: tuple[str, str, str],
    cues: list[str],
    unit_id: str,
    cc: list[str],
    rule: str | None,
    kind: str | None,
    escalate: bool,
) -> None:
    classification = with_cues(manual_classification(*labels), *cues)
    effective, result = route_with_rules(classification, TABLE)
    assert (result.unit_id, result.cc, result.rule, result.kind) == (unit_id, cc, rule, kind)
    assert result.escalate == escalate == effective.escalate
    if rule == "life_safety":
        assert effective.urgency == "high"  # people in danger now: LABELS.md's `high`
    if rule is not None:
        assert any(f"rule {rule!r}" in reason for reason in result.reasons)
    if kind is not None:
        assert (effective.category, effective.urgency) == ("other", "low")
        assert result.sla_hours == TABLE.sla_hours["low"]


def test_a_rule_sends_a_complaint_on_even_when_it_needs_review() -> None:
    unsure = with_cues(manual_classification("other", "medium", "public_works"), "people_in_danger")
    unsure = Classification(**{**unsure.__dict__, "needs_review": True})
    assert route(unsure, TABLE).unit_id == "bpbd"


def test_an_unconfirmed_high_goes_to_a_person_first() -> None:
    high = manual_classification("infrastructure", "high", "public_works")
    unsure = Classification(**{**high.__dict__, "escalate": False, "needs_review": True})
    result = route(unsure, TABLE)
    assert result.unit_id == "triase" and not result.escalate
    assert "possibly urgent" in result.reasons[0]


@pytest.mark.parametrize(
    ("text", "unit_id", "cc", "rule"),
    [
        ("Banjir besar di kampung kami, dua anak hanyut dan lansia terjebak di dalam rumah",
         "bpbd", None, "life_safety"),
        ("Oknum Satpol PP memukul pedagang kaki lima di depan pasar sampai berdarah",
         "inspektorat", "satpolpp", "conduct"),
        ("Petugas kelurahan minta uang 300 ribu untuk tanda tangan surat pindah",
         "inspektorat", None, "conduct"),
        ("Jalan di gang kami sudah tidak rusak lagi, terima kasih", None, None, "resolved"),
    ],
)  # fmt: skip
def test_the_rules_on_written_complaints(
    text: str, unit_id: str | None, cc: str | None, rule: str
) -> None:
    triaged = Triager(complaint_nlp.load(), check_duplicates=False).triage(text)
    assert triaged.route.rule == rule
    if unit_id is not None:
        assert triaged.route.unit_id == unit_id
    if cc is not None:
        assert cc in triaged.route.cc
    if rule == "resolved":
        assert (triaged.classification.category, triaged.classification.urgency) == (
            "other",
            "low",
        )
        assert triaged.route.kind == "resolved" and not triaged.route.escalate


RULES = """
[[rules]]
name = "bahaya"
means = "orang dalam bahaya"
cues = ["people_in_danger"]
unit = "pu"
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('cues = ["people_in_danger"]', 'cues = ["danger"]'), "unknown cue 'danger'"),
        (('unit = "pu"', 'unit = "bpbd"'), "rule 'bahaya': unit 'bpbd' is not one of the units"),
        (('unit = "pu"', ""), "changes nothing"),
        (('unit = "pu"', 'category = "roads"'), "unknown category 'roads'"),
        (('unit = "pu"', 'unit = "pu"\nwhen = 1'), r"rules\[0\] \(name 'bahaya'\).*when"),
    ],
)
def test_invalid_rules_are_refused_naming_the_problem(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = tmp_path / "table.toml"
    path.write_text(VALID + RULES.replace(*change), encoding="utf-8")
    with pytest.raises(DataFileError, match=message):
        load_routing_table(path)


def test_two_rules_with_one_name_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "table.toml"
    path.write_text(VALID + RULES + RULES, encoding="utf-8")
    with pytest.raises(DataFileError, match="duplicate name 'bahaya'"):
        load_routing_table(path)
