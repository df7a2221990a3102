"""Two more real sources: the employers of conseillers numériques (CSV) and the raw answers to
the Hinaura regional form (JSON), with its opening hours written as free text per weekday."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from aiguillage.places import vocabulary
from aiguillage.places.formats import (
    FORMATS,
    HIDDEN_FORMATS,
    FormatError,
    count_rows,
    detect_format,
    read_places,
)
from aiguillage.places.formats.conseiller_numerique_structures import split_sirene_address
from aiguillage.places.formats.free_hours import read_day, read_week
from aiguillage.places.formats.hinaura_raw import (
    ADDRESS,
    DAY_COLUMNS,
    NAME,
    QUESTIONS,
    read_answer,
)
from aiguillage.shared_data import shared_path

STRUCTURES = shared_path("data/lieux/conseiller_numerique_structures_2023-04-05.csv")
HINAURA_RAW = shared_path("data/lieux/hinaura_lieux_raw_2023-02.json")
CN = "conseiller-numerique-structures"
HINAURA = "hinaura-formulaire"

_cache: dict[Path, list] = {}


def rows_of(path: Path) -> list:
    if path not in _cache:
        _cache[path] = list(read_places(path))
    return _cache[path]


def at(path: Path, line: int):
    return next(row for row in rows_of(path) if row.line == line)


def reasons(path: Path) -> Counter:
    return Counter(reason.split(" « ")[0] for row in rows_of(path) for reason in row.errors)


# --- Detection and accounting ----------------------------------------------------------


def test_both_files_are_recognised_and_only_the_employers_are_hidden():
    assert detect_format(STRUCTURES) == CN
    assert detect_format(HINAURA_RAW) == HINAURA
    assert {CN, HINAURA} <= FORMATS.keys()
    assert HIDDEN_FORMATS == {CN, "mairies-geojson"}


def test_every_employer_row_is_accepted_or_rejected_once():
    rows = rows_of(STRUCTURES)
    with STRUCTURES.open(encoding="utf-8", newline="") as handle:
        in_file = sum(1 for _ in csv.DictReader(handle, delimiter=";"))
    assert in_file == len(rows) == count_rows(STRUCTURES) == 2889
    assert [row.line for row in rows] == list(range(2, 2891))  # one line per row here
    accepted = [row for row in rows if row.accepted]
    assert len(accepted) == 2819
    assert all(row.errors for row in rows if not row.accepted)
    assert reasons(STRUCTURES) == {
        "doublon : l'identifiant": 64,
        "adresse sans rue ni lieu-dit :": 6,
    }
    assert len({row.record.source_id for row in accepted}) == len(accepted)


def test_every_hinaura_answer_is_accepted_or_rejected_once():
    rows = rows_of(HINAURA_RAW)
    with HINAURA_RAW.open(encoding="utf-8") as handle:
        in_file = len(json.load(handle))
    assert in_file == len(rows) == count_rows(HINAURA_RAW) == 1171
    assert [row.line for row in rows] == list(range(1, 1172))
    assert sum(row.accepted for row in rows) == 1164
    assert reasons(HINAURA_RAW) == {
        "champ obligatoire": 4,  # two without address, two without postal code
        "doublon : l'identifiant": 3,  # answers entered twice, identical
    }


@pytest.mark.parametrize("path", [STRUCTURES, HINAURA_RAW])
def test_accepted_records_only_hold_standard_values(path):
    enumerations = {
        "services": vocabulary.SERVICES,
        "publics_specifiquement_adresses": vocabulary.PUBLICS_SPECIFIQUEMENT_ADRESSES,
        "prise_en_charge_specifique": vocabulary.PRISE_EN_CHARGE_SPECIFIQUE,
        "frais_a_charge": vocabulary.FRAIS_A_CHARGE,
        "dispositif_programmes_nationaux": vocabulary.DISPOSITIF_PROGRAMMES_NATIONAUX,
        "modalites_accompagnement": vocabulary.MODALITES_ACCOMPAGNEMENT,
        "modalites_acces": vocabulary.MODALITES_ACCES,
        "typologie": tuple(vocabulary.TYPOLOGIES),
        "extra_services": tuple(vocabulary.EXTRA_SERVICES),
        "languages": tuple(vocabulary.LANGUAGES),
    }
    for row in rows_of(path):
        if row.record:
            for field_name, allowed in enumerations.items():
                assert set(getattr(row.record, field_name)) <= set(allowed), row.line


# --- Employers of conseillers numériques -----------------------------------------------


def test_employer_row_maps_to_a_place_without_services():
    record = at(STRUCTURES, 2).record
    assert (record.source, record.source_id[:15]) == (CN, "82917522300033-")
    assert (record.nom, record.pivot) == ("FABRIQUE GARE NUMERIQUE", "82917522300033")
    assert (record.adresse, record.code_postal) == ("41 RUE PORTE DE MONTEUX", "84200")
    assert (record.commune, record.code_insee) == ("Carpentras", "84031")
    assert record.latitude is None and record.longitude is None
    assert record.services == []
    assert record.dispositif_programmes_nationaux == ["Conseillers numériques"]
    assert record.autres_formations_labels == "QPV"
    assert record.date_maj == date(2023, 4, 5)  # from the file name
    assert record.capacity_note == (
        "2 postes de conseiller numérique accordés (comité de sélection du 16/06/2021)"
    )


def test_employer_keeps_the_postal_code_of_its_address():
    record = at(STRUCTURES, 3).record  # declared 67000, address « 68100 MULHOUSE »
    assert (record.code_postal, record.code_insee, record.commune) == ("68100", "68224", "Mulhouse")
    assert record.warnings == [
        "code postal déclaré « 67000 » différent de celui de l'adresse « 68100 » : "
        "celui de l'adresse est gardé"
    ]


def test_employer_flags_france_services_priority_areas_and_lost_leading_zeros():
    medit = at(STRUCTURES, 4).record  # France services « oui », QPV « Non défini »
    assert medit.dispositif_programmes_nationaux == ["Conseillers numériques", "France Services"]
    assert medit.autres_formations_labels == ""
    solidarnum = at(STRUCTURES, 5).record  # France services « non renseigné »
    assert solidarnum.dispositif_programmes_nationaux == ["Conseillers numériques"]
    ain = at(STRUCTURES, 10).record  # INSEE « 1053 » in the file
    assert (ain.code_insee, ain.code_postal) == ("01053", "01000")
    records = [row.record for row in rows_of(STRUCTURES) if row.record]
    labelled = [r for r in records if "France Services" in r.dispositif_programmes_nationaux]
    assert len(labelled) == 530
    areas = Counter(record.autres_formations_labels for record in records)
    assert areas == {"": 1591, "QPV": 635, "ZRR": 545, "QPV, ZRR": 48}


def test_employer_repeats_are_duplicates_unless_the_street_differs():
    first, repeat = at(STRUCTURES, 156), at(STRUCTURES, 1402)  # COMMUNE DE LE HAVRE, twice
    assert first.accepted
    assert repeat.errors == [
        f"doublon : l'identifiant « {first.record.source_id} » de la source "
        f"« {CN} » figure déjà ligne 156"
    ]
    moved = at(STRUCTURES, 2890).record  # same SIRET as line 2, another street
    assert moved.pivot == at(STRUCTURES, 2).record.pivot
    assert moved.source_id != at(STRUCTURES, 2).record.source_id
    assert moved.adresse == "136 RUE DU VIEIL HOPITAL"


def test_employer_without_street_is_a_town_hall_or_rejected():
    town = next(
        row.record
        for row in rows_of(STRUCTURES)
        if row.record and row.record.nom == "COMMUNE DE LEVAL"
    )
    assert (town.adresse, town.code_postal) == ("Mairie", "90110")
    assert "adresse sans voie : « Mairie » utilisée" in town.warnings
    assert at(STRUCTURES, 89).errors == ["adresse sans rue ni lieu-dit : « 24140 VILLAMBLARD »"]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("41 RUE PORTE DE MONTEUX 84200 CARPENTRAS",
         ("41 RUE PORTE DE MONTEUX", "84200", "CARPENTRAS")),
        ("18 RUE COLBERT 13001 MARSEILLE 1", ("18 RUE COLBERT", "13001", "MARSEILLE 1")),
        ("12 RUE JEAN MARIE CHAVANT 69007 LYON 7EME",
         ("12 RUE JEAN MARIE CHAVANT", "69007", "LYON 7EME")),
        ("15 RUE LAURENT BONNEVAY CS 32019 54100 NANCY",
         ("15 RUE LAURENT BONNEVAY CS 32019", "54100", "NANCY")),
        ("   90110 LEVAL", ("", "90110", "LEVAL")),
        ("LIEU-DIT SANS CODE", ("LIEU-DIT SANS CODE", "", "")),
    ],
)  # fmt: skip
def test_sirene_addresses_are_split_at_their_last_postal_code(address, expected):
    assert split_sirene_address(address) == expected


# --- Hinaura form answers ----------------------------------------------------------------


def test_hinaura_answer_maps_to_the_standard():
    record = at(HINAURA_RAW, 1).record
    assert (record.source, len(record.source_id)) == (HINAURA, 16)
    assert record.nom == "MAISON DE SERVICES AU PUBLIC D'ABONDANCE"
    assert (record.adresse, record.code_postal, record.commune) == (
        "PLACE DU CHAMP DE FOIRE", "74360", "ABONDANCE",
    )  # fmt: skip
    assert (record.latitude, record.longitude) == (46.27947045, 6.720031881096503)
    assert record.typologie == ["MSAP"]
    assert record.site_web == []  # the form's « http:// » placeholder
    # Same hours as the national map export made from the same answers.
    assert record.horaires == "Tu-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00"
    assert record.services == [
        "Accès internet et matériel informatique",
        "Aide aux démarches administratives",
        "Maîtrise des outils numériques du quotidien",
    ]
    assert record.publics_specifiquement_adresses == []  # it welcomes adults: everyone
    assert record.prise_en_charge_specifique == [
        "Handicaps moteurs", "Déficience visuelle", "Handicaps mentaux", "Surdité", "Illettrisme",
    ]  # fmt: skip
    assert record.frais_a_charge == ["Gratuit"]
    assert record.modalites_acces == ["Se présenter"]
    assert record.modalites_accompagnement == ["Accompagnement individuel"]
    assert record.extra_services == ["ordinateurs", "wifi", "impression"]
    assert record.date_maj == date(2021, 5, 5)
    assert record.warnings == []


def test_hinaura_answer_maps_fees_languages_and_place_types():
    record = at(HINAURA_RAW, 164).record  # Centre Social de Montbrison
    assert record.typologie == ["EPN", "CSC"]
    assert record.frais_a_charge == ["Gratuit sous condition", "Payant"]  # not also « Gratuit »
    assert record.languages == ["en"]
    assert "Langues étrangères (anglais)" in record.prise_en_charge_specifique
    assert record.horaires == "Mo-Tu,Th-Fr 09:00-12:00"
    assert at(HINAURA_RAW, 29).record.publics_specifiquement_adresses == ["Seniors"]


def test_hinaura_long_description_becomes_the_detail_without_a_warning():
    record = at(HINAURA_RAW, 9).record  # Mieux Vivre à Marlioz, 431 characters
    assert len(record.presentation_resume) == 280 and record.presentation_resume.endswith("…")
    assert record.presentation_detail.startswith("L'association Mieux Vivre à Marlioz existe")
    assert len(record.presentation_detail) == 431
    assert record.warnings == []


def test_hinaura_unreadable_hours_are_dropped_but_kept_as_text():
    record = at(HINAURA_RAW, 19).record
    assert record.horaires == ""
    assert record.warnings == [
        "horaires en texte libre illisibles (vendredi « 9h30-12h (jusqu'en juin 2022) ») : "
        "horaires retirés"
    ]
    assert record.presentation_detail.endswith(
        "Horaires (texte d'origine) : Jeudi : 14h-17h ; Vendredi : 9h30-12h (jusqu'en juin 2022)"
    )


def test_hinaura_hours_by_appointment_and_travelling_places():
    record = at(HINAURA_RAW, 78).record  # « 10h-12h (sur rdv) » on Saturday only
    assert record.horaires == "Sa 10:00-12:00"
    assert record.presentation_detail == "Accueil sur rendez-vous : samedi."
    assert at(HINAURA_RAW, 392).record.itinerance == ["Itinérant"]


def test_hinaura_identical_answers_are_duplicates():
    assert at(HINAURA_RAW, 645).errors[0].endswith("figure déjà élément n°644")
    assert at(HINAURA_RAW, 163).errors == ["champ obligatoire « adresse » vide"]
    sites = [at(HINAURA_RAW, line).record for line in (582, 583)]  # one name, two streets
    assert sites[0].source_id != sites[1].source_id


def test_hinaura_hours_are_converted_or_dropped_with_a_warning():
    hours = Counter(bool(row.record.horaires) for row in rows_of(HINAURA_RAW) if row.record)
    assert hours[True] == 650
    dropped = sum(
        "illisibles" in " ".join(row.record.warnings) for row in rows_of(HINAURA_RAW) if row.record
    )
    assert dropped == 103


# --- Free-text hours -----------------------------------------------------------------------

# Real values of the Hinaura file, with the slots they mean.
READABLE = [
    ("9h à 12h - 14h à 17h", "09:00-12:00,14:00-17:00"),
    ("9h-12h / 14h-17h", "09:00-12:00,14:00-17:00"),
    ("9h00 - 12h00 et 13h30-17h", "09:00-12:00,13:30-17:00"),
    ("09:00-12:00 et 14:00-17:00", "09:00-12:00,14:00-17:00"),
    ("8h30/12h30 - 13h30/17h", "08:30-12:30,13:30-17:00"),
    ("9-12h et 13h30-18h", "09:00-12:00,13:30-18:00"),
    ("8 h 30 à 12 h  - 14 h à 17 h", "08:30-12:00,14:00-17:00"),
    ("9h12h-14h17h", "09:00-12:00,14:00-17:00"),
    ("9h17h30", "09:00-17:30"),
    ("10h/18", "10:00-18:00"),
    ("9-12 / 14-19", "09:00-12:00,14:00-19:00"),
    ("09:00–11:30, 13:30–17:00", "09:00-11:30,13:30-17:00"),
    ("8h à 12h &amp; 13h30 à 17h30", "08:00-12:00,13:30-17:30"),
    ("| de 10h - 12h puis de 13h30 - 16h15", "10:00-12:00,13:30-16:15"),
    ("de 9h30 à 12h30 et de 14h à 16", "09:30-12:30,14:00-16:00"),
    ("9h - 12h - 16h -18h", "09:00-12:00,16:00-18:00"),
    ("9h00 à 12h00 - fermé l'après-midi", "09:00-12:00"),
    ("8h30 à 11h45 - FERME l'apm", "08:30-11:45"),
    ("Fermé le matin - 13h30 à 18h", "13:30-18:00"),
    ("10h-18h30 (journée continue)", "10:00-18:30"),
    ("Sans rendez-vous 9h00-12h00", "09:00-12:00"),
    ("Permanence de 9h à 12h", "09:00-12:00"),
    ("09:00-12:00 et 12:00-19:00", "09:00-12:00,12:00-19:00"),  # slots_to_osm merges them
    ("16h30 à 22h", "16:30-22:00"),
]


@pytest.mark.parametrize(("value", "expected"), READABLE)
def test_free_text_day_is_read(value, expected):
    day = read_day(value, 0)
    assert day is not None
    assert ",".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in day.slots) == expected
    assert not day.by_appointment


@pytest.mark.parametrize(
    "value",
    ["Fermé", "fermé", "FERMÉ", "Fermée", "Férmé", "Fermé toute la journée", ": Fermé", "| Fermé",
     "non", "Congé", "Non ouvert au public", "Pas d'accueil.", "réservé au public scolaire", ""],
)  # fmt: skip
def test_free_text_closed_day_has_no_slot(value):
    assert read_day(value, 0).slots == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9h à 19h sur rendez-vous", "09:00-19:00"),
        ("14h-18h sur RDV uniquement", "14:00-18:00"),
        ("Sur rendez - vous de 9h à 12h et de 14h00 à 17h00", "09:00-12:00,14:00-17:00"),
        ("10h-12h (sur rdv)", "10:00-12:00"),
    ],
)
def test_free_text_day_by_appointment_keeps_its_slots(value, expected):
    day = read_day(value, 2)
    assert ",".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in day.slots) == expected
    assert day.by_appointment


@pytest.mark.parametrize(
    "value",
    [
        "Sur rendez-vous", "sur rdv", "Itinérance", "En location_reservation", "18h", "15 h",
        "10h à 12h une semaine sur deux", "1er samedi du mois : 9h-12h",
        "1 x par mois de 10h à 12h", "9h à 12h  -  Sur RDV l'après midi",
        "Café du monde : 8h30-11h30", "9h30 à 12h (hors vacances)",
        "Fermé (juillet-août : 10h - 12h / 16h - 19h)", "16h30-18h30 à Lapeyrouse",
        "1Oh à 12h et 17h à 18h30", "9h -1 2h", "12h3019h", "08h30-12h00/13h30-1730", "9hè16h",
        "Permanence de 15h à 18h30 (à partir du 13 juin)", "Mardi", "12h - 9h", "25h-26h",
        "9h60-10h",
    ],
)  # fmt: skip
def test_free_text_day_that_may_mean_something_else_is_unreadable(value):
    assert read_day(value, 0) is None


def test_free_text_day_may_repeat_its_own_weekday_only():
    assert read_day("Lundi de 9h/12h  14h/17h", 0).slots != ()
    assert read_day("Lundis 10h/12h", 0) is not None
    assert read_day("Jeudi 14h00 - 17h00", 0) is None  # Thursday written in the Monday box


def test_free_text_week_groups_days_and_drops_everything_if_one_day_is_unreadable():
    week = read_week(["9h-12h", "9h-12h", "Fermé", "9h-12h", "9h-12h", "", ""])
    assert week.osm == "Mo-Tu,Th-Fr 09:00-12:00"
    assert (week.unreadable, week.by_appointment) == ((), ())
    week = read_week(["9h-12h", "9h-12h", "sur rdv", "9h-12h", "9h-12h / 14h-17h", "", ""])
    assert week.osm == "" and week.unreadable == (2,)
    assert read_week([""] * 7).osm == ""
    week = read_week(["", "", "", "", "", "10h-12h (sur rdv)", "Fermé"])
    assert (week.osm, week.by_appointment) == ("Sa 10:00-12:00", (5,))


# --- Form answers ---------------------------------------------------------------------------


def test_form_answer_reads_quoted_options_with_commas_and_html():
    found, unknown = read_answer(
        "Tarifs",
        'Gratuit,Payant,Adhésion,"Solidaire (tarif réduit adapté à la situation '
        "sociale/familiale, ou convention avec un organisme solidaire)",
    )
    assert sorted(set(found)) == [("frais_a_charge", "Gratuit"), ("frais_a_charge", "Payant")]
    assert unknown == ()
    found, unknown = read_answer(
        "Accueil pour les personnes en situation de handicap",
        '<i class=""fas fa-deaf""></i> Surdité","<i class=""fas fa-user""></i> Handicap Mental',
    )
    assert found == (
        ("prise_en_charge_specifique", "Handicaps mentaux"),
        ("prise_en_charge_specifique", "Surdité"),
    )
    assert unknown == ()


def test_form_answer_reports_unknown_options_as_written():
    found, unknown = read_answer("Tarifs", 'Gratuit,"Sur devis, selon projet","Bons CAF')
    assert found == (("frais_a_charge", "Gratuit"),)
    assert unknown == ("Sur devis", "selon projet", "Bons CAF")


def test_every_option_of_the_real_file_is_known():
    with HINAURA_RAW.open(encoding="utf-8") as handle:
        answers = json.load(handle)
    for question in QUESTIONS:
        for answer in answers:
            assert read_answer(question, str(answer[question]))[1] == (), (question, answer)


# --- Bad inputs ---------------------------------------------------------------------------


def hinaura_answer(**changes) -> dict:
    answer = {question: "" for question in QUESTIONS} | {day: "" for day in DAY_COLUMNS}
    return (
        answer
        | {
            "datetime_create": "05/05/2021 14:29:42",
            "datetime_latest": "06/05/2021 10:00:00",
            NAME: "Espace numérique",
            ADDRESS: "1 place de la Mairie",
            "Code postal": 38000,
            "Ville *": "Grenoble",
            "bf_latitude": 45.19,
            "bf_longitude": 5.72,
            "Etat": "",
            "Lundi": "9h-12h",
        }
        | changes
    )


def write_json(path: Path, items: list) -> Path:
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return path


def test_hinaura_bad_answers_are_rejected_or_repaired(tmp_path):
    path = write_json(tmp_path / "hinaura.json", [
        hinaura_answer(),
        hinaura_answer(Etat="Fermé définitivement"),
        hinaura_answer(**{NAME: "Autre", "bf_latitude": "nord", "Code postal": ""}),
        "pas un objet",
        hinaura_answer(**{NAME: "Sans code", ADDRESS: "3 rue Haute\n38100 Grenoble",
                          "Code postal": "", "Site Web": "http://", "Etat": "Publié",
                          "Publics accueillis": 'Seniors,"Jeunesse (11-26 ans)'}),
    ])  # fmt: skip
    assert detect_format(path) == HINAURA
    rows = list(read_places(path))
    assert len(rows) == count_rows(path) == 5
    assert rows[0].record.horaires == "Mo 09:00-12:00"
    assert rows[0].record.date_maj == date(2021, 5, 6)
    assert rows[1].errors == ["fiche à l'état « Fermé définitivement » dans le formulaire Hinaura"]
    assert rows[2].errors == [
        "latitude « nord » n'est pas un nombre",
        "champ obligatoire « code postal » vide",
    ]
    assert rows[3].errors == ["un objet JSON est attendu"]
    repaired = rows[4].record  # postal code found in the address, placeholder site ignored
    assert (repaired.adresse, repaired.code_postal) == ("3 rue Haute", "38100")
    assert repaired.site_web == [] and repaired.warnings == []
    assert repaired.publics_specifiquement_adresses == ["Jeunes", "Seniors"]


def write_structures(path: Path, rows: list[dict]) -> Path:
    columns = [
        "Raison sociale", "Commune INSEE", "Département", "Région",
        "Nombre de conseillers validés par le COSELEC", "Date de validation en comité de sélection",
        "Type", "SIRET", "Code département", "Adresse", "Code commune INSEE", "Code postal",
        "Investissement financier estimatif total de l’Etat", "ZRR", "QPV", "France services",
    ]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, delimiter=";", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


STRUCTURE = {
    "Raison sociale": "COMMUNE DE VOIRON",
    "Commune INSEE": "Voiron",
    "Nombre de conseillers validés par le COSELEC": "1",
    "Type": "publique",
    "SIRET": "21380563900019",
    "Adresse": "PL JACQUES ANTOINE GAU 38500 VOIRON",
    "Code commune INSEE": "38563",
    "Code postal": "38500",
    "ZRR": "non",
    "QPV": "oui",
    "France services": "oui",
}


def test_employer_bad_rows_are_rejected_or_repaired(tmp_path):
    path = write_structures(tmp_path / "structures.csv", [
        STRUCTURE,
        STRUCTURE | {"Raison sociale": ""},
        STRUCTURE | {"SIRET": "", "Adresse": "2 RUE DU LAC 38500 VOIRON", "Code postal": "385"},
        STRUCTURE | {"Nombre de conseillers validés par le COSELEC": "0", "QPV": "Non défini",
                     "SIRET": "21380563900027"},
        STRUCTURE | {"Date de validation en comité de sélection": "05/04/2023", "Type": "?"},
    ])  # fmt: skip
    rows = list(read_places(path))
    assert len(rows) == count_rows(path) == 5
    record = rows[0].record
    assert record.dispositif_programmes_nationaux == ["Conseillers numériques", "France Services"]
    assert record.capacity_note == "1 poste de conseiller numérique accordé"
    assert record.presentation_detail.startswith("Structure publique employeuse")
    # No date in the file name: nothing says when the list was made.
    assert record.date_maj is None
    assert "date de mise à jour absente" in record.warnings[0]
    assert rows[1].errors == ["champ obligatoire « raison sociale » vide"]
    no_siret = rows[2].record  # the postal code of the address wins over a broken one
    assert (no_siret.pivot, no_siret.source_id[:11], no_siret.code_postal) == (
        "", "sans-siret-", "38500",
    )  # fmt: skip
    assert rows[3].record.capacity_note == "" and rows[3].record.autres_formations_labels == ""
    # Another committee decision for the same SIRET at the same street: the same place.
    assert rows[4].errors[0].startswith(f"doublon : l'identifiant « {record.source_id} »")


def test_employer_file_without_a_required_column_is_refused(tmp_path):
    path = tmp_path / "structures.csv"
    write_structures(path, [STRUCTURE])
    text = path.read_text(encoding="utf-8").replace("Commune INSEE;", "Commune;", 1)
    path.write_text(text, encoding="utf-8")
    assert detect_format(path) == CN
    with pytest.raises(FormatError, match="Commune INSEE"):
        read_places(path)


def test_cached_answers_still_warn_for_every_place(tmp_path):
    unknown = {"Tarifs": "Gratuit,Bons CAF"}
    path = write_json(tmp_path / "hinaura.json", [
        hinaura_answer(**unknown), hinaura_answer(**unknown | {NAME: "Deuxième lieu"}),
    ])  # fmt: skip
    warning = "réponse inconnue « Bons CAF » ignorée (question « Tarifs »)"
    assert [row.record.warnings for row in read_places(path)] == [[warning], [warning]]
