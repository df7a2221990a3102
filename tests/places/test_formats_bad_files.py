"""Files and rows that go wrong: the whole file is refused with a French message saying where,
or the row is rejected (or repaired) with its reasons, and reading goes on."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from aiguillage.places.formats import (
    FormatError,
    count_rows,
    detect_format,
    read_places,
    standard_v1,
)
from aiguillage.places.vocabulary import STANDARD_FIELDS

VALID = {
    "id": "lieu-1",
    "pivot": "43493312300029",
    "nom": "Médiathèque Kateb Yacine",
    "commune": "Grenoble",
    "code_postal": "38000",
    "adresse": "202 Grande Rue",
    "latitude": "45.1667",
    "longitude": "5.7167",
    "horaires": "Mo-Fr 09:00-12:00",
    "date_maj": "2024-04-02",
    "services": "Aide aux démarches administratives",
}


def write_csv(path: Path, rows: list[dict], *, columns=STANDARD_FIELDS, delimiter=",", **options):
    with path.open("w", newline="", **({"encoding": "utf-8"} | options)) as handle:
        writer = csv.DictWriter(
            handle, fieldnames=columns, delimiter=delimiter, extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)
    return path


def standard_csv(tmp_path: Path, *changes: dict, **options) -> Path:
    rows = [VALID | {"id": f"lieu-{index}"} | change for index, change in enumerate(changes)]
    return write_csv(tmp_path / "lieux.csv", rows, **options)


def only(path: Path, **options):
    [row] = list(read_places(path, **options))
    return row


# Whole-file problems


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "vide.csv"
    path.write_text("  \n")
    with pytest.raises(FormatError, match="le fichier est vide"):
        read_places(path)


def test_json_not_in_utf8_is_refused_with_the_position(tmp_path):
    path = tmp_path / "lieux.json"
    path.write_bytes('[\n{"id": "1", "nom": "Médiathèque"}]'.encode("latin-1"))
    with pytest.raises(FormatError, match=r"pas encodé en UTF-8 .*ligne 2, colonne 22"):
        read_places(path)


def test_utf16_and_spreadsheets_are_refused(tmp_path):
    utf16 = tmp_path / "lieux.csv"
    utf16.write_text("id,nom\n1,A\n", encoding="utf-16")
    with pytest.raises(FormatError, match="UTF-16"):
        read_places(utf16)
    spreadsheet = tmp_path / "lieux.xlsx"
    spreadsheet.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    with pytest.raises(FormatError, match="classeur"):
        detect_format(spreadsheet)


def test_windows_1252_csv_is_read_with_a_warning(tmp_path):
    path = standard_csv(tmp_path, {}, encoding="cp1252")
    row = only(path)
    assert row.record.nom == "Médiathèque Kateb Yacine"
    assert row.record.warnings == [
        "fichier encodé en Windows-1252 et non en UTF-8 : texte converti"
    ]


def test_broken_json_names_line_and_column(tmp_path):
    path = tmp_path / "lieux.json"
    path.write_text('[\n  {"id": "1"\n   "nom": "A"}\n]', encoding="utf-8")
    with pytest.raises(FormatError, match=r"JSON mal formé ligne 3, colonne 4 : virgule attendue"):
        read_places(path)


def test_json_object_instead_of_array_is_refused(tmp_path):
    path = tmp_path / "lieu.json"
    path.write_text(json.dumps({"id": "1", "nom": "A"}), encoding="utf-8")
    with pytest.raises(FormatError, match="tableau JSON"):
        read_places(path)


def test_missing_required_columns_are_named(tmp_path):
    columns = [name for name in STANDARD_FIELDS if name not in {"code_postal", "commune"}]
    path = write_csv(tmp_path / "lieux.csv", [VALID], columns=columns)
    with pytest.raises(
        FormatError, match="colonnes obligatoires absentes : « code_postal », « commune »"
    ):
        read_places(path)


def test_strict_mode_requires_every_standard_column(tmp_path):
    path = write_csv(tmp_path / "lieux.csv", [VALID], columns=list(VALID))
    assert only(path).accepted
    with pytest.raises(FormatError, match="« complement_adresse »"):
        read_places(path, strict=True)


def test_unknown_columns_and_unknown_format_code_are_refused(tmp_path):
    path = write_csv(tmp_path / "autre.csv", [{"a": "1", "b": "2"}], columns=["a", "b"])
    with pytest.raises(FormatError, match="format de lieux non reconnu .*« a », « b »"):
        detect_format(path)
    with pytest.raises(FormatError, match="format « tableur » inconnu"):
        read_places(standard_csv(tmp_path, {}), "tableur")


def test_a_services_file_is_not_taken_for_places(tmp_path):
    path = tmp_path / "services.json"
    services = [{"id": "s1", "structure_id": "x", "source": "dora", "thematiques": ["numerique"]}]
    path.write_text(json.dumps(services), encoding="utf-8")
    with pytest.raises(FormatError, match="services data·inclusion"):
        detect_format(path)


def test_services_file_only_goes_with_a_data_inclusion_export(tmp_path):
    with pytest.raises(FormatError, match="export data·inclusion"):
        read_places(standard_csv(tmp_path, {}), services_path=tmp_path / "services.json")


def test_header_only_csv_has_no_rows(tmp_path):
    path = write_csv(tmp_path / "lieux.csv", [])
    assert list(read_places(path)) == []
    assert count_rows(path) == 0


def test_csv_with_bom_reads_its_first_column(tmp_path):
    path = standard_csv(tmp_path, {}, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    row = only(path)
    assert row.record.source_id == "lieu-0" and row.record.warnings == []


def test_semicolon_separated_csv_is_read(tmp_path):
    path = standard_csv(tmp_path, {}, delimiter=";")
    assert only(path).record.nom == "Médiathèque Kateb Yacine"


# Row problems


def test_bad_coordinates_reject_only_their_row_with_the_physical_line(tmp_path):
    path = standard_csv(
        tmp_path,
        {"presentation_detail": "Sur deux\nlignes"},  # lines 2-3
        {"latitude": "95.2"},  # line 4
        {"longitude": "cinq"},  # line 5
        {"latitude": "0", "longitude": "0"},  # line 6
        {},  # line 7
    )
    rows = list(read_places(path))
    assert [row.line for row in rows] == [2, 4, 5, 6, 7]
    assert [row.accepted for row in rows] == [True, False, False, False, True]
    assert rows[1].errors == ["latitude « 95.2 » hors de l'intervalle -90…90"]
    assert rows[2].errors == ["longitude « cinq » n'est pas un nombre"]
    assert rows[3].errors == ["coordonnées (0, 0) : position manifestement fausse"]
    assert rows[1].location == "ligne 4"


def test_missing_required_values_are_all_reported(tmp_path):
    row = only(standard_csv(tmp_path, {"nom": " ", "adresse": "", "code_postal": "380"}))
    assert row.errors == [
        "champ obligatoire « nom » vide",
        "champ obligatoire « adresse » vide",
        "code postal « 380 » invalide : 5 chiffres attendus",
    ]


def test_invalid_hours_keep_the_place_unless_strict(tmp_path):
    path = standard_csv(tmp_path, {"horaires": "du lundi au vendredi"})
    row = only(path)
    assert row.record.horaires == ""
    assert row.record.presentation_detail == "Horaires (texte d'origine) : du lundi au vendredi"
    assert row.record.warnings == [
        "horaires « du lundi au vendredi » illisibles au format OpenStreetMap : retirés"
    ]
    strict = only(path, strict=True)
    assert not strict.accepted
    assert "illisibles au format OpenStreetMap" in strict.errors[0]


def test_unknown_enumeration_values_are_dropped_and_named(tmp_path):
    row = only(
        standard_csv(
            tmp_path,
            {
                "services": "Aide aux démarches administratives|Cours de cuisine",
                "typologie": "XYZ|BIB",
            },
        )
    )
    assert row.record.services == ["Aide aux démarches administratives"]
    assert row.record.typologie == ["BIB"]
    assert row.record.warnings == [
        "valeur inconnue « XYZ » ignorée (champ « typologie »)",
        "valeur inconnue « Cours de cuisine » ignorée (champ « services »)",
    ]


def test_old_v0_values_in_a_v1_file_are_converted(tmp_path):
    row = only(
        standard_csv(
            tmp_path,
            {"modalites_accompagnement": "Seul : j'ai accès à du matériel et une connexion"},
        )
    )
    assert row.record.modalites_accompagnement == ["En autonomie"]
    assert "ancienne version du standard" in row.record.warnings[0]


def test_both_spellings_of_etapes_numeriques_are_read_as_the_documented_one(tmp_path):
    path = standard_csv(
        tmp_path,
        {"formations_labels": "Étapes numériques(La Poste)"},
        {"formations_labels": "Étapes numériques (La Poste)"},
    )
    labels = [row.record.formations_labels for row in read_places(path)]
    assert labels == [["Étapes numériques (La Poste)"]] * 2


def test_long_summary_is_cut_and_kept_whole_in_the_detail(tmp_path):
    summary = "Un lieu très accueillant. " * 20
    row = only(standard_csv(tmp_path, {"presentation_resume": summary}))
    assert len(row.record.presentation_resume) == 280
    assert row.record.presentation_resume.endswith("…")
    assert row.record.presentation_detail == summary.strip()
    assert row.record.warnings == [
        f"présentation résumée de {len(summary.strip())} caractères coupée à 280"
    ]


def test_phone_and_postal_code_are_repaired_with_warnings(tmp_path):
    row = only(standard_csv(tmp_path, {"telephone": "04 76 12 34 56", "code_postal": "1200"}))
    assert row.record.telephone == "+33476123456"
    assert row.record.code_postal == "01200"
    assert row.record.warnings == ["code postal « 1200 » complété en « 01200 »"]


def test_duplicate_id_rejects_the_later_row(tmp_path):
    path = standard_csv(tmp_path, {"id": "même"}, {"id": "autre"}, {"id": "même"})
    rows = list(read_places(path))
    assert [row.accepted for row in rows] == [True, True, False]
    assert rows[2].errors == [
        "doublon : l'identifiant « même » de la source « standard » figure déjà ligne 2"
    ]


def test_row_with_extra_cells_is_rejected(tmp_path):
    path = standard_csv(tmp_path, {})
    with path.open("a", encoding="utf-8") as handle:
        handle.write(",".join(["x"] * (len(STANDARD_FIELDS) + 2)) + "\n")
    rows = list(read_places(path))
    assert rows[1].errors == ["34 colonnes au lieu de 32 (séparateur ou guillemets ?)"]


def test_json_element_that_is_not_an_object_is_rejected(tmp_path):
    path = tmp_path / "lieux.json"
    items = [{"id": "1", "nom": "A", "adresse": "1 rue", "code_postal": "38000", "commune": "G"}]
    path.write_text(json.dumps(items + ["texte"]), encoding="utf-8")
    rows = list(read_places(path))
    assert rows[0].accepted
    assert (rows[1].line, rows[1].errors) == (2, ["un objet JSON est attendu"])
    assert rows[1].location == "élément n°2"


def test_unexpected_error_in_one_row_does_not_stop_the_file(tmp_path, monkeypatch):
    convert = standard_v1.convert

    def fragile_convert(raw, check, loaded):
        if raw["id"] == "lieu-1":
            raise ZeroDivisionError("division by zero")
        return convert(raw, check, loaded)

    monkeypatch.setattr(standard_v1, "convert", fragile_convert)
    rows = list(read_places(standard_csv(tmp_path, {}, {}, {})))
    assert [row.accepted for row in rows] == [True, False, True]
    assert rows[1].errors == ["erreur inattendue : ZeroDivisionError : division by zero"]


def test_standard_v1_as_a_json_array_is_read(tmp_path):
    path = tmp_path / "lieux.json"
    item = VALID | {
        "services": ["Aide aux démarches administratives"],
        "courriels": "a@b.fr|c@d.fr",
    }
    path.write_text(json.dumps([item]), encoding="utf-8")
    assert detect_format(path) == "lieux-mediation-numerique-v1"
    row = only(path)
    assert row.record.services == ["Aide aux démarches administratives"]
    assert row.record.courriels == ["a@b.fr", "c@d.fr"]
    assert (row.line, row.unit) == (1, "élément n°")


def test_lone_json_object_is_refused_before_reading_even_with_a_format(tmp_path):
    path = tmp_path / "lieu.json"
    path.write_text(json.dumps({"id": "1"}), encoding="utf-8")
    with pytest.raises(FormatError, match="tableau JSON"):
        read_places(path, "lieux-mediation-numerique-v0")  # raised here, not on first row


def test_json_objects_in_enumerated_fields_are_dropped_with_a_warning(tmp_path):
    # Enumerated cells are cached by their text; a JSON producer may write anything there.
    path = tmp_path / "lieux.json"
    place = VALID | {
        "services": [{"nom": "démarches"}, "Aide aux démarches administratives"],
        "frais_a_charge": {"gratuit": True},
    }
    path.write_text(json.dumps([place]), encoding="utf-8")
    row = only(path, format="lieux-mediation-numerique-v1")
    assert row.errors == []
    assert row.record.services == ["Aide aux démarches administratives"]
    assert row.record.frais_a_charge == []
    assert any("{'gratuit': True}" in warning for warning in row.record.warnings)
