"""The activity statistics never let a small count be worked out: an attacker who combines
every sum of the page at once (each breakdown and the shared totals, the places inside their
structure, the procedures inside their theme, an individual accompaniment being one person)
still finds at least two possible values for every count from 1 to 4."""

from __future__ import annotations

import dataclasses
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from aiguillage.activities import rules, statistics
from aiguillage.activities.models import ActivityRecord
from aiguillage.disclosure import MASKED, SECONDARY

FLAT = ("kind", "age_bracket", "status", "commune", "how", "autonomy_after", "follow_up", "source")
LABELS = {
    "kind": {"individual": "Individuel", "collective": "Atelier", "quick": "Rapide"},
    "age_bracket": rules.AGE_BRACKETS,
    "status": rules.STATUSES,
    "commune": {1: "Grenoble", 2: "Échirolles", None: "Commune non indiquée"},
    "how": {"done_for": "Pour", "done_with": "Avec", "done_alone": "Seul"},
    "autonomy_after": {"yes": "Oui", "partly": "En partie", "no": "Non", "": "Non renseigné"},
    "follow_up": {"individual": "I", "workshop": "A", "redirected": "R", "": "Aucune"},
    "source": {"typed": "Saisi", "referral": "Orientation", "attendance": "Atelier", "import": "I"},
}
ORGANISATIONS = {10: "Médiathèque", 20: "Centre social"}
PLACES = {100: ("Salle A", 10), 101: ("Salle B", 10), 200: ("Accueil", 20)}


@dataclass
class Fake:
    """One record as the statistics see it."""

    kind: str
    participants: int
    age_bracket: str
    status: str
    commune: int | None
    how: str
    autonomy_after: str
    follow_up: str
    source: str
    organisation: int
    place: int | None
    themes: tuple[str, ...]
    procedure_domain: str


def fake(**changes) -> Fake:
    """An individual accompaniment of a retired person at the library's first place."""
    base = Fake(
        kind="individual",
        participants=1,
        age_bracket="plus60ans",
        status="retraite",
        commune=1,
        how="done_with",
        autonomy_after="",
        follow_up="",
        source="typed",
        organisation=10,
        place=100,
        themes=("smartphone",),
        procedure_domain="",
    )
    return dataclasses.replace(base, **changes)


def counts_of(records: list[Fake]) -> rules.Counts:
    """Counted apart from ``statistics``: plain Python over the records."""
    counts = rules.Counts()
    for record in records:
        counts.records += 1
        counts.participants += record.participants
        for name in (*FLAT, "procedure_domain"):
            key = name if name != "commune" else "commune"
            by = counts.by.setdefault(key, {})
            old = by.get(getattr(record, name), (0, 0))
            by[getattr(record, name)] = (old[0] + 1, old[1] + record.participants)
        place = counts.places.get((record.organisation, record.place), (0, 0))
        counts.places[(record.organisation, record.place)] = (
            place[0] + 1,
            place[1] + record.participants,
        )
        for code in record.themes:
            old = counts.themes.get(code, (0, 0))
            counts.themes[code] = (old[0] + 1, old[1] + record.participants)
    counts.people = counts.participants
    return counts


def _fake(rng: random.Random) -> Fake:
    kind = rng.choice(["individual", "individual", "collective", "quick"])
    themes = tuple(
        rng.sample(["smartphone", "courriel", "demarcheEnLigne", "sante"], rng.randint(1, 2))
    )
    place = rng.choice([100, 101, 200, None])
    organisation = PLACES[place][1] if place else rng.choice([10, 20])
    return Fake(
        kind=kind,
        participants=1 if kind == "individual" else rng.choice([1, 2, 6, 12]),
        age_bracket=rng.choice(list(rules.AGE_BRACKETS)),
        status="heterogene" if kind == "collective" and rng.random() < 0.5 else "retraite",
        commune=rng.choice([1, 2, None]),
        how=rng.choice(["done_for", "done_with"]),
        autonomy_after=rng.choice(["", "yes"]),
        follow_up=rng.choice(["", "", "redirected"]),
        source=rng.choice(["typed", "typed", "referral"]),
        organisation=organisation,
        place=place,
        themes=themes,
        procedure_domain=rng.choice(["", "caf"]) if "demarcheEnLigne" in themes else "",
    )


def _show(counts: rules.Counts) -> rules.Displayed:
    return rules.displayed_statistics(
        counts,
        labels=LABELS,
        organisation_names=ORGANISATIONS,
        place_names={pk: name for pk, (name, _org) in PLACES.items()},
        single_organisation=False,
    )


# Cells masked whole with their table or group: anything from 0 up, for the attacker.
WITHHELD_CELLS: set = set()


def _cells(counts: rules.Counts, shown: rules.Displayed):
    """Every cell of the page: (true value, text shown), and every equation between them."""
    cells: dict = {
        ("total", "R"): (counts.records, shown.records),
        ("total", "P"): (counts.participants, shown.participants),
    }
    equations: list[tuple[list, object]] = []
    for table in shown.tables:
        for row in table.rows:
            slug = table.slug
            key = (slug, row.key if not isinstance(row.key, tuple) else row.key)
            if slug == "themes":
                truth = counts.themes.get(row.key, (0, 0))
            elif slug == "procedures":
                pairs = counts.by.get("procedure_domain", {})
                online = counts.themes.get("demarcheEnLigne", (0, 0))
                given_ = [sum(p[i] for k, p in pairs.items() if k) for i in (0, 1)]
                without = (online[0] - given_[0], online[1] - given_[1])
                truth = pairs.get(row.key, (0, 0)) if row.key else without
            elif slug == "places":
                if row.key[0] == "org":
                    org = row.key[1]
                    truth = tuple(
                        sum(p[i] for (o, _pl), p in counts.places.items() if o == org)
                        for i in (0, 1)
                    )
                else:
                    truth = counts.places.get((row.key[1], row.key[2]), (0, 0))
            else:
                truth = counts.by.get(slug, {}).get(row.key, (0, 0))
            cells[(*key, "R")] = (truth[0], row.records)
            cells[(*key, "P")] = (truth[1], row.participants)
            if row.withheld or table.withheld:
                WITHHELD_CELLS.update({(*key, "R"), (*key, "P")})
    for m in ("R", "P"):
        for slug in FLAT:
            parts = [(slug, key, m) for key in LABELS[slug]]
            equations.append((parts, ("total", m)))
        places = defaultdict(list)
        organisations = []
        for slug, key, measure in (cell for cell in cells if len(cell) == 3):
            if slug == "places" and measure == m and key[0] == "place":
                places[key[1]].append(("places", key, m))
            if slug == "places" and measure == m and key[0] == "org":
                organisations.append(("places", key, m))
        for org, parts in places.items():
            equations.append((parts, ("places", ("org", org), m)))
        equations.append((organisations, ("total", m)))
        domains = [("procedures", key, m) for key in [*rules.PROCEDURE_DOMAINS, ""]]
        if all(key in cells for key in domains):
            equations.append((domains, ("themes", "demarcheEnLigne", m)))
    equations.append(([("kind", "individual", "R")], ("kind", "individual", "P")))
    return cells, equations


def _zeros_hidden(shown: rules.Displayed) -> set[str]:
    """Tables that show no number at all: there a « < 5 » may be a zero (the rule of
    ``disclosure.masked_texts``), which the attacker cannot tell apart; and withheld tables,
    whose every cell may be anything."""
    hidden = {table.slug for table in shown.tables if table.withheld}
    for table in shown.tables:
        texts = [text for row in table.rows for text in (row.records, row.participants)]
        if table.total is not None:
            texts += [table.total.records, table.total.participants]
        if not any(text.isdigit() for text in texts):
            hidden.add(table.slug)
    return hidden


def _attacker_range(cells, equations, cell, zeros_hidden, withheld) -> tuple[float, float]:
    hidden = sorted((key for key, (_v, text) in cells.items() if not text.isdigit()), key=repr)
    position = {key: n for n, key in enumerate(hidden)}
    rows, constants = [], []
    for parts, total in equations:
        row, constant = np.zeros(len(hidden)), 0.0
        for key in parts:
            if key in position:
                row[position[key]] += 1
            else:
                constant -= int(cells[key][1])
        if total in position:
            row[position[total]] -= 1
        else:
            constant += int(cells[total][1])
        if row.any():
            rows.append(row)
            constants.append(constant)
    bounds = []
    for key in hidden:
        low = 0 if key[0] in zeros_hidden else 1
        if key[0] in withheld or key in WITHHELD_CELLS:
            bounds.append((0, None))
        else:
            bounds.append((5, None) if cells[key][1] == SECONDARY else (low, 4))
    goal = np.zeros(len(hidden))
    goal[position[cell]] = 1
    low = linprog(goal, A_eq=rows or None, b_eq=constants or None, bounds=bounds)
    high = linprog(-goal, A_eq=rows or None, b_eq=constants or None, bounds=bounds)
    # The true values satisfy every equation: the problem is feasible (status 3: unbounded).
    assert low.status == 0 and high.status in (0, 3), (low.message, high.message)
    return low.fun, math.inf if high.status == 3 else -high.fun


def _check(records: list[Fake]) -> None:
    WITHHELD_CELLS.clear()
    counts = counts_of(records)
    shown = _show(counts)
    cells, equations = _cells(counts, shown)
    for key, (value, text) in cells.items():
        # What is shown is true, and every count from 1 to 4 is hidden.
        if text.isdigit():
            assert int(text) == value, key
        assert not (0 < value < 5 and text.isdigit()), key
        assert text in (MASKED, SECONDARY) or text.isdigit(), key
    zeros_hidden = _zeros_hidden(shown)
    withheld = {table.slug for table in shown.tables if table.withheld}
    # The totals are the same text in every table.
    for table in shown.tables:
        if table.total is not None and table.slug not in ("themes", "procedures"):
            assert (table.total.records, table.total.participants) == (
                shown.records,
                shown.participants,
            )
    for key, (value, _text) in cells.items():
        if 0 < value < 5:
            low, high = _attacker_range(cells, equations, key, zeros_hidden, withheld)
            assert math.floor(high + 1e-6) - math.ceil(low - 1e-6) >= 1, (key, value, low, high)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=40))
def test_no_combination_of_the_pages_sums_pins_a_small_count_down(seed, size):
    rng = random.Random(seed)
    _check([_fake(rng) for _ in range(size)])


def test_a_hidden_workshop_is_not_the_total_minus_the_other_kinds():
    """Before masking together: 19 − 12 individual − 6 quick answers = the one workshop."""
    records = [fake()] * 12
    records.append(fake(kind="collective", participants=9, status="heterogene"))
    records += [fake(kind="quick", organisation=20, place=200, themes=("internet",))] * 6
    shown = _show(counts_of(records))
    kinds = {row.key: (row.records, row.participants) for row in shown.table("kind").rows}
    assert kinds["collective"] == (MASKED, "9")
    assert kinds["quick"] == (SECONDARY, "6")
    assert shown.records == "19"
    _check(records)


def test_a_place_is_masked_inside_its_structure():
    """The social centre's 6 records are at its place: the place and the structure agree,
    and a small place of the library is not its structure less its other place."""
    records = [fake()] * 8 + [fake(place=101)] * 2 + [fake(organisation=20, place=200)] * 6
    shown = _show(counts_of(records))
    places = {row.key: row.records for row in shown.table("places").rows}
    assert places[("place", 10, 101)] == MASKED
    assert places[("place", 10, 100)] == SECONDARY
    _check(records)


def test_a_table_that_would_need_the_total_hidden_is_withheld():
    """Five people of five age brackets: each bracket is 1 and the total 5 gives them all
    away; hiding the total would not help, as the kinds show it. The age table is withheld
    whole, the total stays shown everywhere. Communes 2, 2 and 1 protect each other."""
    records = [
        fake(age_bracket=age, commune=commune, place=None)
        for age, commune in zip(
            ("moins12ans", "de12a18ans", "de18a35ans", "de35a60ans", "plus60ans"),
            (1, 2, None, 1, 2),
            strict=True,
        )
    ]
    shown = _show(counts_of(records))
    assert shown.records == "5"
    assert {row.key: row.records for row in shown.table("kind").rows}["individual"] == "5"
    ages = shown.table("age_bracket")
    assert ages.withheld and ages.note == rules.WITHHELD_NOTE
    assert {row.records for row in ages.rows} == {SECONDARY}
    assert ages.total.records == "5"
    communes = shown.table("commune")
    assert not communes.withheld
    assert {row.records for row in communes.rows} == {MASKED}
    _check(records)


@pytest.mark.django_db
def test_the_database_counts_what_python_counts(
    organisation, other_organisation, place, note, outsider, grenoble
):
    note(themes=["demarcheEnLigne", "sante"], procedure_domain="caf", place=place, commune=grenoble)
    note(kind="collective", participants=7, status="heterogene", themes=["sante"])
    note(kind="quick", themes=["internet"], age_bracket="plus60ans", follow_up="redirected")
    note(actor=outsider, within=other_organisation, themes=["budget"], how="done_for")
    counted = statistics.count_activities(ActivityRecord.objects.all())
    assert (counted.records, counted.participants) == (4, 10)
    assert counted.themes["sante"] == (2, 8)
    assert counted.themes["demarcheEnLigne"] == (1, 1)
    assert counted.by["kind"] == {"individual": (2, 2), "collective": (1, 7), "quick": (1, 1)}
    assert counted.by["procedure_domain"][""] == (3, 9)
    assert counted.by["commune"] == {grenoble.pk: (1, 1), None: (3, 9)}
    assert counted.places == {
        (organisation.pk, place.pk): (1, 1),
        (organisation.pk, None): (2, 8),
        (other_organisation.pk, None): (1, 1),
    }
    assert Counter(counted.by["follow_up"]) == Counter({"": (3, 9), "redirected": (1, 1)})
