"""Counting activity records for a period, in SQL, in one pass over the rows.

Every breakdown of the page is a GROUP BY of the same filtered rows. On PostgreSQL they are
the GROUPING SETS of one query (one scan, one hash table per breakdown); SQLite has no
GROUPING SETS, so there the same sets are a UNION ALL over the filtered rows. Themes are
grouped by their bit mask (a few hundred distinct combinations at most) and split into
themes in Python. Distinct people with a file take a second, small query.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from django.db import connection
from django.db.models import Count, QuerySet

from aiguillage.activities import rules
from aiguillage.activities.models import (
    ActivityKind,
    ActivitySource,
    Autonomy,
    FollowUp,
    HowDone,
)
from aiguillage.organisations.models import Organisation
from aiguillage.places.models import Place
from aiguillage.shared_data import shared_path
from aiguillage.territories.models import Commune, Territory

# The grouping sets: low-cardinality columns grouped together (a few hundred groups each,
# summed per column in Python), so that each row feeds five hash tables instead of twelve.
SETS: dict[str, tuple[str, ...]] = {
    "how": ("kind", "how", "autonomy_after", "follow_up", "source"),
    "who": ("age_bracket", "status", "procedure_domain"),
    "commune": ("commune_id",),
    "places": ("organisation_id", "place_id"),
    "themes": ("themes_mask",),
}
COLUMNS: tuple[str, ...] = tuple(column for columns in SETS.values() for column in columns)
# Column → the breakdown it feeds (``rules.Counts.by``).
BREAKDOWN = {"commune_id": "commune"}
WIDEST = max(len(columns) for columns in SETS.values())
CRA_FILE = "data/besoins/conum_cra_par_departement_2024-02.json"


def _grouping_mask(columns: tuple[str, ...]) -> int:
    """GROUPING(c1…cn) of a row of the set grouping ``columns``: bit set = not grouped,
    the first column being the most significant bit."""
    size = len(COLUMNS)
    return sum(1 << (size - 1 - index) for index, name in enumerate(COLUMNS) if name not in columns)


SET_OF_MASK = {_grouping_mask(columns): name for name, columns in SETS.items()}


def _base_sql(records: QuerySet) -> tuple[str, tuple]:
    rows = records.order_by().values(*COLUMNS, "participants")
    return rows.query.sql_with_params()


def _grouped_rows(records: QuerySet) -> list[tuple[str, tuple, int, int]]:
    """(set, grouped values, records, participants) for every group of every set."""
    sql, params = _base_sql(records)
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        quoted = ", ".join(quote(name) for name in COLUMNS)
        sets = ", ".join(
            "(" + ", ".join(quote(c) for c in columns) + ")" for columns in SETS.values()
        )
        query = (
            f"SELECT GROUPING({quoted}), {quoted}, COUNT(*), SUM(r.participants) "
            f"FROM ({sql}) AS r GROUP BY GROUPING SETS ({sets})"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            fetched = cursor.fetchall()
        out = []
        for mask, *values, count, participants in fetched:
            name = SET_OF_MASK[mask]
            by_column = dict(zip(COLUMNS, values, strict=True))
            out.append((name, tuple(by_column[c] for c in SETS[name]), count, participants or 0))
        return out
    # SQLite: the same sets, one GROUP BY each over the filtered rows.
    branches = []
    for name, columns in SETS.items():
        picked = [quote(c) for c in columns] + ["NULL"] * (WIDEST - len(columns))
        branches.append(
            f"SELECT '{name}', {', '.join(picked)}, COUNT(*), SUM(participants) FROM r "
            f"GROUP BY {', '.join(quote(c) for c in columns)}"
        )
    with connection.cursor() as cursor:
        cursor.execute(f"WITH r AS ({sql}) " + " UNION ALL ".join(branches), params)
        fetched = cursor.fetchall()
    return [
        (name, tuple(values[: len(SETS[name])]), count, participants or 0)
        for name, *values, count, participants in fetched
    ]


def count_activities(records: QuerySet) -> rules.Counts:
    """Two queries: the grouping sets, then the people (a file counts once)."""
    counts = rules.Counts()
    by: dict[str, Counter] = {}
    for name, key, count, participants in _grouped_rows(records):
        if name == "themes":
            for code in rules.themes_from_mask(key[0] or 0):
                by.setdefault("theme", Counter())[code, rules.RECORDS] += count
                by["theme"][code, rules.PARTICIPANTS] += participants
        elif name == "places":
            counts.places[key] = (count, participants)
        else:
            if name == "how":
                counts.records += count
                counts.participants += participants
            for column, value in zip(SETS[name], key, strict=True):
                breakdown = by.setdefault(BREAKDOWN.get(column, column), Counter())
                breakdown[value, rules.RECORDS] += count
                breakdown[value, rules.PARTICIPANTS] += participants
    for name, counter in by.items():
        values = {value for value, _measure in counter}
        pairs = {v: (counter[v, rules.RECORDS], counter[v, rules.PARTICIPANTS]) for v in values}
        if name == "theme":
            counts.themes = {code: pairs.get(code, (0, 0)) for code in rules.THEMES}
        else:
            counts.by[name] = pairs
    if not counts.themes:
        counts.themes = {code: (0, 0) for code in rules.THEMES}
    files = records.order_by().aggregate(
        linked=Count("person"), distinct=Count("person", distinct=True)
    )
    # Every participant, except that a file seen several times counts once.
    counts.people = counts.participants - files["linked"] + files["distinct"]
    return counts


def _labels(counts: rules.Counts) -> dict[str, dict]:
    commune_ids = [key for key in counts.by.get("commune", {}) if key is not None]
    communes = dict(Commune.objects.filter(pk__in=commune_ids).values_list("pk", "name"))
    ordered = sorted(communes, key=lambda pk: communes[pk].lower())
    return {
        "kind": dict(ActivityKind.choices),
        "age_bracket": rules.AGE_BRACKETS,
        "status": rules.STATUSES,
        "commune": {**{pk: communes[pk] for pk in ordered}, None: "Commune non indiquée"},
        "how": dict(HowDone.choices),
        "autonomy_after": {**dict(Autonomy.choices), "": "Non renseigné"},
        "follow_up": {**dict(FollowUp.choices), "": "Aucune ou non renseignée"},
        "source": dict(ActivitySource.choices),
    }


def displayed(
    records: QuerySet, *, single_organisation: bool, organisation_names: Mapping | None = None
) -> rules.Displayed:
    """The masked tables of a period's records (four queries, five without the names of the
    structures when several are counted)."""
    counts = count_activities(records)
    organisation_ids = {org for org, _place in counts.places}
    place_ids = {place for _org, place in counts.places if place is not None}
    if organisation_names is None and not single_organisation:
        names = Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name")
        organisation_names = dict(names)
    place_names = dict(Place.objects.filter(pk__in=place_ids).values_list("pk", "nom"))
    return rules.displayed_statistics(
        counts,
        labels=_labels(counts),
        organisation_names=organisation_names or {},
        place_names=place_names,
        single_organisation=single_organisation,
    )


# --- The department's Conseiller numérique figures, for comparison -------------------------------


def department_of(territory: Territory | None) -> str:
    """The department most of the territory's communes belong to (one query)."""
    if territory is None:
        return ""
    row = (
        Commune.objects.filter(territory=territory)
        .values("department_code")
        .annotate(n=Count("id"))
        .order_by("-n", "department_code")
        .first()
    )
    return row["department_code"] if row else ""


@lru_cache(maxsize=4)
def _read_departments(path: str, modified: float) -> dict[str, dict]:
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    return {str(row.get("departement")): row for row in rows if isinstance(row, dict)}


def department_figures(code: str) -> dict | None:
    """The department's cumulated activity reports (to February 2024), or None when the
    shared data is not on this machine (production) or has no such department."""
    path = shared_path(CRA_FILE)
    if not code or not path.is_file():
        return None
    try:
        departments = _read_departments(str(path), path.stat().st_mtime)
    except (OSError, ValueError):
        return None
    return departments.get(code)
