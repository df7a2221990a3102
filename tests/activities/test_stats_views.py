"""Statistics of a structure and of a territory: who sees them, periods, masked counts, the
national shape beside the department, CSV and XLSX exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aiguillage.activities.actions import record_activity
from aiguillage.journal.models import JournalEntry
from tests import factories

STRUCTURE = reverse("activities:structure_stats")


def territory_url(slug: str = "test") -> str:
    return reverse("activities:territory_stats", args=[slug])


def export_url(fmt: str, slug: str | None = None) -> str:
    if slug is None:
        return reverse(f"activities:structure_stats_{fmt}")
    return reverse(f"activities:territory_stats_{fmt}", kwargs={"slug": slug})


@pytest.fixture
def busy(note, outsider, other_organisation, place, grenoble, echirolles, today):
    """The library: 12 individual (7 retired people in Grenoble, at its place), one workshop of
    9; the social centre: 6 quick answers."""
    for index in range(12):
        note(
            themes=["smartphone", "demarcheEnLigne"] if index < 6 else ["courriel"],
            procedure_domain="caf" if index < 6 else "",
            age_bracket="plus60ans" if index < 7 else "de35a60ans",
            status="retraite" if index < 7 else "enEmploi",
            commune=grenoble if index < 7 else echirolles,
            place=place if index < 7 else None,
        )
    note(kind="collective", participants=9, status="heterogene", themes=["securite"])
    for _ in range(6):
        note(actor=outsider, within=other_organisation, kind="quick", themes=["internet"])


def _rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _row(rows, table: str, label: str) -> list[str]:
    return next(row for row in rows if row[:2] == [table, label])


def test_a_member_sees_the_structures_figures_with_small_counts_masked(client, busy, owner):
    client.force_login(owner)
    page = client.get(STRUCTURE).content.decode()
    assert "Accompagnements : Médiathèque du centre" in page
    # 13 accompaniments, 21 people: the social centre's quick answers are not counted here.
    assert "<strong>13</strong> <span>accompagnements" in page
    assert "<strong>21</strong> <span>personnes accompagnées" in page
    assert "Médiathèque Kateb Yacine" in page
    assert "&lt; 5" in page


def test_the_plain_member_sees_the_same_figures_as_the_manager(client, busy, colleague_read_only):
    client.force_login(colleague_read_only)
    assert "<strong>13</strong> <span>accompagnements" in client.get(STRUCTURE).content.decode()


def test_the_coordinator_sees_the_territory_per_structure_and_place(client, busy, coordinator):
    client.force_login(coordinator)
    page = client.get(territory_url()).content.decode()
    assert "<strong>19</strong> <span>accompagnements" in page
    assert "Centre social du sud" in page and "Médiathèque du centre" in page
    assert 'class="row-place"' in page


def test_the_coordinator_can_narrow_to_one_structure(client, busy, coordinator, other_organisation):
    client.force_login(coordinator)
    page = client.get(territory_url(), {"structure": str(other_organisation.public_id)})
    assert "<strong>6</strong> <span>accompagnements" in page.content.decode()


def test_anonymous_visitors_are_sent_to_login(client, territory):
    for url in (STRUCTURE, territory_url(), export_url("csv"), export_url("xlsx", "test")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_territory_page_is_the_coordinations(client, territory, owner, far_coordinator):
    # Members of the territory's structures know it exists but may not see it as a whole.
    client.force_login(owner)
    assert client.get(territory_url()).status_code == 403
    assert client.get(export_url("csv", "test")).status_code == 403
    # The coordinator of another territory does not learn it exists.
    client.force_login(far_coordinator)
    assert client.get(territory_url()).status_code == 404
    assert client.get(export_url("xlsx", "test")).status_code == 404
    assert client.get(territory_url("nulle-part")).status_code == 404


@pytest.mark.parametrize("who", ["coordinator", "staff"])
def test_accounts_without_a_structure_have_no_structure_statistics(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(STRUCTURE).status_code == 403
    assert client.get(export_url("csv")).status_code == 403


def test_staff_see_every_territory(client, busy, staff):
    client.force_login(staff)
    assert client.get(territory_url()).status_code == 200


def test_an_unknown_export_format_is_not_found(client, owner):
    client.force_login(owner)
    assert client.get("/espace/accompagnements/statistiques/export.pdf").status_code == 404


def test_any_period_can_be_chosen(client, note, owner, today):
    note(occurred_on=dt.date(2016, 3, 1))
    note(occurred_on=dt.date(2019, 12, 31))
    note(occurred_on=dt.date(2020, 1, 1))
    note(occurred_on=today)
    client.force_login(owner)

    def records(**query) -> str:
        page = client.get(STRUCTURE, query).content.decode()
        return page.split("</strong> <span>accompagnements")[0].rsplit("<strong>", 1)[1]

    # The default is the last 12 months: one record, masked.
    assert records() == "&lt; 5"
    custom = {"periode": "dates", "du": "2016-01-01", "au": "2019-12-31"}
    page = client.get(STRUCTURE, custom).content.decode()
    assert "du 01/01/2016 au 31/12/2019" in page
    assert "du 01/01/2016 au 31/12/2019" in client.get(STRUCTURE, custom).content.decode()
    page = client.get(STRUCTURE, {"periode": "annee", "annee": "2019"}).content.decode()
    assert "du 01/01/2019 au 31/12/2019" in page
    page = client.get(STRUCTURE, {"periode": "mois"}).content.decode()
    assert f"du {today.replace(day=1):%d/%m/%Y}" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"periode": "dates", "du": "2020-01-01"}, "Indiquez la date de début et la date de fin."),
        ({"periode": "dates", "du": "2020-01-02", "au": "2020-01-01"}, "doit précéder"),
        ({"periode": "annee", "annee": "2999"}, "pas encore commencé"),
        ({"periode": "dates", "du": "1990-01-01", "au": "2025-01-01"}, "30 ans au plus"),
    ],
)
def test_a_wrong_period_is_explained_in_french(client, owner, query, message):
    client.force_login(owner)
    response = client.get(STRUCTURE, query)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_national_shape_is_set_beside_the_departments_figures(client, busy, coordinator):
    client.force_login(coordinator)
    page = client.get(territory_url()).content.decode()
    assert '<abbr title="Département">Dép.</abbr> 38' in page
    keys = ["usagers", "accompagnements", "themes.demarcheEnLigne", "statut.heterogene"]
    keys += ["accompagnement.redirection", "activite.ponctuel", "plus60ans"]
    for key in keys:
        assert f"<code>{key}</code>" in page
    # Isère's cumulated figures from the shared file.
    assert "Chiffres du département non disponibles" not in page


def test_without_the_shared_data_the_department_is_said_unavailable(
    client, busy, coordinator, monkeypatch, tmp_path
):
    monkeypatch.setenv("AIGUILLAGE_SHARED", str(tmp_path))
    client.force_login(coordinator)
    page = client.get(territory_url()).content.decode()
    assert "Chiffres du département non disponibles" in page
    assert "<code>themes.smartphone</code>" in page


def test_the_csv_carries_the_masked_tables_and_is_journaled(client, busy, coordinator, territory):
    client.force_login(coordinator)
    response = client.get(export_url("csv", "test"), {"periode": "12mois"})
    assert response["Content-Type"].startswith("text/csv")
    assert ".csv" in response["Content-Disposition"]
    rows = _rows(response)
    assert _row(rows, "ensemble", "total")[2:] == ["19", "27"]
    # One workshop (of 9 people) is « < 5 »; the 6 quick answers are hidden too, or 19 − 12 − 6
    # would give it away. The people counts are all large enough to be shown.
    kind = "Par type d'accompagnement"
    assert _row(rows, kind, "Atelier collectif")[2:] == ["< 5", "9"]
    assert _row(rows, kind, "Réponse rapide")[2:] == ["(masqué)", "6"]
    assert _row(rows, kind, "Accompagnement individuel")[2:] == ["12", "12"]
    national = next(row for row in rows if row[:1] == ["activite.ponctuel"])
    assert national[2] == "(masqué)"
    entry = JournalEntry.objects.get(event="activity_stats_exported")
    assert (entry.actor, entry.territory_id, entry.data["format"]) == (
        coordinator,
        territory.pk,
        "csv",
    )


def test_the_xlsx_has_the_same_cells_as_the_csv(client, busy, owner):
    client.force_login(owner)
    csv_rows = _rows(client.get(export_url("csv")))
    response = client.get(export_url("xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Tableaux", "Format national"]
    sheet_rows = [
        ["" if cell is None else str(cell) for cell in row]
        for row in book["Tableaux"].iter_rows(values_only=True)
    ]
    # The same tables, counts as numbers and masks as text.
    assert sheet_rows[1:] == [row for row in csv_rows[1:] if row][: len(sheet_rows) - 1]
    assert book["Tableaux"]["C3"].value == 13
    national = [row for row in book["Format national"].iter_rows(values_only=True)]
    assert national[0][0] == "clé nationale"
    assert JournalEntry.objects.filter(event="activity_stats_exported").count() == 2


def test_a_structure_name_cannot_become_a_spreadsheet_formula(client, territory, coordinator):
    rogue = factories.OrganisationFactory(name='=HYPERLINK("http://x")', territory=territory)
    member = factories.MembershipFactory(organisation=rogue).user
    for _ in range(5):
        record_activity(
            actor=member,
            organisation=rogue,
            values={"occurred_on": timezone.localdate(), "themes": ["autre"]},
        )
    client.force_login(coordinator)
    rows = _rows(client.get(export_url("csv", "test")))
    assert any(row[1].startswith("'=HYPERLINK") for row in rows)
    book = load_workbook(io.BytesIO(client.get(export_url("xlsx", "test")).content))
    labels = [row[1] for row in book["Tableaux"].iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://x")' in labels


def test_the_territory_page_query_count_is_frozen(
    client, busy, coordinator, django_assert_num_queries
):
    client.force_login(coordinator)
    client.get(territory_url())
    # Session, user, second factor, memberships, coordination (middleware), territory,
    # coordination check, the territory's structures, the grouping sets, the people with a
    # file, places and communes named, the department, the demo banner.
    with django_assert_num_queries(14):
        response = client.get(territory_url())
    assert response.status_code == 200
