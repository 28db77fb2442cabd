"""The label ids used everywhere (code, API, data, tests), as defined by LABELS.md."""

from __future__ import annotations

__all__ = ["CATEGORIES", "HEADS", "UNITS", "URGENCIES"]

#: What the classifier predicts, one head each.
HEADS = ("category", "urgency", "unit")

#: Which kind of problem must be fixed.
CATEGORIES = ("infrastructure", "human_resources", "bureaucracy", "information_technology", "other")

#: How fast someone must act, most urgent first.
URGENCIES = ("high", "medium", "low")

#: Generic codes of the government units that receive complaints; a city's routing table maps
#: them to its own offices (see ``complaint_nlp/data/routing``).
UNITS = (
    "civil_registry",
    "communication_it",
    "culture_youth_tourism",
    "disaster_management",
    "education",
    "environment_sanitation",
    "finance_assets",
    "fire_rescue",
    "food_agriculture",
    "government_affairs",
    "health",
    "housing",
    "inspectorate",
    "legal",
    "manpower_industry",
    "mayor_office",
    "national_unity_politics",
    "organization",
    "permits",
    "personnel",
    "planning",
    "procurement",
    "public_order",
    "public_works",
    "revenue",
    "social_affairs",
    "sub_district",
    "trade_cooperatives",
    "transport",
    "water_utility",
    "women_children",
)
