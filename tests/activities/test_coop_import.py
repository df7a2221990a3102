"""Importing an activity export of La Coop de la médiation numérique: good rows become
records, bad rows are reported with a French reason, nothing is imported twice."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from aiguillage.activities.actions import ActivityError, import_coop_export
from aiguillage.activities.models import ActivityRecord
from aiguillage.journal.models import JournalEntry

TODAY = dt.date(2024, 6, 30)
IMPORT = reverse("activities:activity_import")
HEADER = [
    "Date",
    "Type",
    "Nombre de participants",
    "Bénéficiaire",
    "Canaux d’accompagnement",
    "Lieu",
    "Durée (min)",
    "Nom de l’atelier",
    "Matériel numérique utilisé",
    "Thématique(s) d’accompagnement",
    "Tags",
    "Nom de la démarche administrative",
    "Niveau d’autonomie (ou de l’atelier)",
    "Bénéficiaire réorienté",
    "Structure de redirection",
    "Commune de résidence du bénéficiaire",
    "Genre du bénéficiaire",
    "Tranche d’âge du bénéficiaire",
    "Statut du bénéficiaire",
    "Notes supplémentaires",
]


# Short names of the columns, in the same order.
CELLS = (
    "date", "type", "participants", "who", "channel", "place", "duration", "workshop",
    "devices", "themes", "tags", "procedure", "autonomy", "redirected", "redirected_to",
    "commune", "gender", "age", "status", "notes",
)  # fmt: skip


def _row(**cells: str) -> list[str]:
    """A row of the export: ``_row(date=…, type=…)`` in the order of HEADER."""
    row = [""] * len(HEADER)
    for name, value in cells.items():
        row[CELLS.index(name)] = value
    return row


# Line numbers of the file (1 = first line): five lines about the export, then the header.
GOOD = {
    7: _row(
        date="14/03/2024",
        type="Accompagnement individuel",
        participants="1",
        who="Fatima Benali",
        channel="Lieu d’activité",
        place="Médiathèque Kateb Yacine, 38000 Grenoble",
        duration="30",
        devices="Ordinateur",
        themes="Aide aux démarches administratives\nArgent - Impôts",
        procedure="Déclaration de revenus de Mme Benali",
        autonomy="1/3",
        redirected="Oui",
        redirected_to="France Services",
        commune="38000 Grenoble",
        gender="Féminin",
        age="40 - 59 ans",
        status="En emploi",
        notes="Doit revenir avec son avis d'imposition",
    ),
    8: _row(
        date="15/03/2024",
        type="Atelier collectif",
        participants="3",
        who="Jean D.\nMarie L.\nAnonyme",
        place="Médiathèque Kateb Yacine, 38000 Grenoble",
        duration="120",
        workshop="Naviguer en sécurité",
        themes="Navigation sur internet\nPrévention en sécurité numérique",
        autonomy="2/3",
        redirected="Non",
        commune="38000 Grenoble\n38130 Échirolles\n-",
        age="70 ans et plus\n60 - 69 ans\nNon communiqué",
        status="Retraité\nRetraité\nNon communiqué ou hétérogène",
    ),
    9: _row(
        date="2024-04-02",
        type="Accompagnement individuel",
        participants="1",
        place="À distance",
        duration="15",
        themes="E-mail",
        autonomy="3/3",
        commune="38130 Échirolles",
        age="25 - 39 ans",
        status="Sans emploi",
    ),
}
# The same accompaniment as line 7 on the same day: two people, two records.
GOOD[10] = GOOD[7]
BAD = {
    11: (
        _row(date="01/01/2099", type="Accompagnement individuel", duration="30", themes="E-mail"),
        "date dans le futur (01/01/2099)",
    ),
    12: (
        _row(date="12/04/2024", type="Accompagnement individuel", duration="30", themes="Cuisine"),
        "thématique inconnue « Cuisine »",
    ),
    13: (
        _row(
            date="12/04/2024",
            type="Atelier collectif",
            participants="4",
            duration="deux heures",
            themes="E-mail",
        ),
        "durée illisible « deux heures »",
    ),
    14: (
        _row(
            date="12/04/2024",
            type="Accompagnement individuel",
            participants="3",
            duration="30",
            themes="E-mail",
        ),
        "un accompagnement individuel compte une personne, pas 3",
    ),
    15: (
        _row(date="32/13/2024", type="Accompagnement individuel", duration="30", themes="E-mail"),
        "date illisible « 32/13/2024 » (attendu : JJ/MM/AAAA)",
    ),
    16: (
        _row(date="12/04/2024", type="Rendez-vous", duration="30", themes="E-mail"),
        "type inconnu « Rendez-vous »",
    ),
    17: (
        _row(date="12/04/2024", type="Accompagnement individuel", duration="30", themes=""),
        "aucune thématique",
    ),
}


def sample_csv(*, delimiter: str = ";") -> bytes:
    """What a mediator gets by saving La Coop's « Activités » sheet as CSV in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(["Export des activités de Camille Médiatrice", "", ""])
    writer.writerow(["Date d'export", "28/06/2024 à 10:12"])
    writer.writerow(["Nombre d'activités", "11"])
    writer.writerow(["Filtres", "Période : 01/03/2024 – 30/06/2024"])
    writer.writerow([])
    writer.writerow(HEADER)
    for line in range(7, 18):
        writer.writerow(GOOD[line] if line in GOOD else BAD[line][0])
    writer.writerow([""] * len(HEADER))  # trailing empty line of the sheet
    return out.getvalue().encode("utf-8-sig")


def _upload(content: bytes, name: str = "activites.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def imported(owner, organisation, place):
    return import_coop_export(
        actor=owner, organisation=organisation, file=_upload(sample_csv()), today=TODAY
    )


def test_good_rows_become_records_and_bad_rows_are_reported_in_french(imported, organisation):
    assert imported.imported == 4
    assert imported.rejected == [(line, reason) for line, (_row, reason) in BAD.items()]
    assert imported.read == 11
    assert imported.header_line == 6
    assert ActivityRecord.objects.filter(organisation=organisation, source="import").count() == 4


def test_values_are_mapped_to_the_national_vocabulary(imported, place, grenoble, echirolles):
    paperwork, workshop, mail = (
        ActivityRecord.objects.filter(occurred_on=day).first()
        for day in (dt.date(2024, 3, 14), dt.date(2024, 3, 15), dt.date(2024, 4, 2))
    )
    assert paperwork.kind == "individual"
    assert paperwork.themes == ["demarcheEnLigne"]
    assert paperwork.procedure_domain == "impots"
    assert (paperwork.autonomy_after, paperwork.follow_up) == ("no", "redirected")
    assert (paperwork.age_bracket, paperwork.status) == ("de35a60ans", "enEmploi")
    assert (paperwork.commune, paperwork.place) == (grenoble, place)
    assert paperwork.duration_minutes == 30
    assert workshop.kind == "collective" and workshop.participants == 3
    assert workshop.themes == ["internet", "securite"]
    # Ages and communes differ from one participant to another; the statuses too.
    assert (workshop.age_bracket, workshop.status, workshop.commune) == (
        "nonRenseigne",
        "heterogene",
        None,
    )
    # A workshop's « niveau » is not the person's autonomy.
    assert workshop.autonomy_after == ""
    assert (mail.themes, mail.autonomy_after, mail.age_bracket) == (
        ["courriel"],
        "yes",
        "de18a35ans",
    )
    assert mail.commune == echirolles and mail.place is None


def test_nothing_personal_is_read(imported):
    stored = str(list(ActivityRecord.objects.values()))
    for text in ("Fatima", "Benali", "avis d'imposition", "Déclaration", "Jean D.", "Féminin"):
        assert text not in stored
    assert all(record.person_id is None for record in ActivityRecord.objects.all())


def test_approximations_are_counted_in_the_report(imported):
    notes = dict(imported.notes)
    assert notes["tranche « 25 - 39 ans » comptée dans « 18 à 35 ans »"] == 1
    assert notes["tranches d'âge différentes dans un atelier : comptées « non renseigné »"] == 1
    assert any("commune" in note for note in notes)
    assert any("lieu qui n'est pas un lieu de la structure" in note for note in notes)
    assert "Bénéficiaire" in imported.ignored_columns
    assert "Notes supplémentaires" in imported.ignored_columns


def test_importing_the_same_export_again_adds_nothing(imported, owner, organisation):
    again = import_coop_export(
        actor=owner, organisation=organisation, file=_upload(sample_csv()), today=TODAY
    )
    assert (again.imported, again.already_there, len(again.rejected)) == (0, 4, 7)
    assert ActivityRecord.objects.count() == 4
    entries = JournalEntry.objects.filter(event="activities_imported").order_by("id")
    assert [entry.data["imported"] for entry in entries] == [4, 0]


def test_another_structure_importing_the_same_file_gets_its_own_records(
    imported, outsider, other_organisation
):
    other = import_coop_export(
        actor=outsider, organisation=other_organisation, file=_upload(sample_csv()), today=TODAY
    )
    assert other.imported == 4
    assert ActivityRecord.objects.count() == 8


def test_a_comma_separated_export_in_windows_encoding_is_read(owner, organisation):
    content = sample_csv(delimiter=",").decode("utf-8-sig").encode("cp1252", errors="replace")
    report = import_coop_export(
        actor=owner, organisation=organisation, file=_upload(content), today=TODAY
    )
    assert report.imported == 4


def test_the_xlsx_export_itself_is_read(owner, organisation):
    book = Workbook()
    sheet = book.active
    sheet.title = "Activités"
    sheet.append(["Export des activités"])
    sheet.append([])
    sheet.append(HEADER)
    row = list(GOOD[9])
    row[0] = dt.datetime(2024, 4, 2)
    row[6] = 15
    sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    report = import_coop_export(
        actor=owner,
        organisation=organisation,
        file=_upload(out.getvalue(), "export.xlsx"),
        today=TODAY,
    )
    assert (report.imported, report.rejected) == (1, [])
    assert ActivityRecord.objects.get().occurred_on == dt.date(2024, 4, 2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"nom;prenom\nBenali;Fatima\n", "ne ressemble pas à un export d'activités de La Coop"),
        ("Date;Type;Durée (min)\n01/02/2024;Atelier collectif;60\n".encode(), "Thématique"),
        (b"   ", "Ce fichier est vide."),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_in_french(owner, organisation, content, message):
    with pytest.raises(ActivityError, match=message):
        import_coop_export(actor=owner, organisation=organisation, file=_upload(content))
    assert not ActivityRecord.objects.exists()


def test_the_manager_imports_from_the_page_and_sees_the_report(client, owner, place):
    client.force_login(owner)
    assert client.get(IMPORT).status_code == 200
    response = client.post(IMPORT, {"fichier": _upload(sample_csv())})
    page = response.content.decode()
    # Relative to the real today: the rows of 2024 are in the past.
    assert "Bilan de l'import" in page
    assert "<strong>4</strong> accompagnements importés" in page
    assert "Ligne du fichier" in page and "Thématique inconnue « Cuisine »" in page


def test_a_plain_member_cannot_import(client, colleague_read_only):
    client.force_login(colleague_read_only)
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"fichier": _upload(sample_csv())}).status_code == 403
    assert not ActivityRecord.objects.exists()


def test_a_bad_file_is_explained_on_the_page(client, owner):
    client.force_login(owner)
    response = client.post(IMPORT, {"fichier": _upload(b"nom;prenom\n", "liste.csv")})
    assert response.status_code == 200
    assert "ne ressemble pas à un export" in response.content.decode()
