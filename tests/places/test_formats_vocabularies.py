"""Mapping tables only use values that exist in the published vocabularies."""

from __future__ import annotations

import json

import pytest

from aiguillage.places import vocabulary
from aiguillage.places.formats import data_inclusion, data_inclusion_v1, standard_v0
from aiguillage.shared_data import shared_path

DATA_INCLUSION = shared_path("standards/data-inclusion-schema")
STANDARD_V0 = shared_path("standards/lamednum-standard-mediation-num/v0.1.1/schema.json")

V1_VALUES = {
    "services": vocabulary.SERVICES,
    "publics_specifiquement_adresses": vocabulary.PUBLICS_SPECIFIQUEMENT_ADRESSES,
    "prise_en_charge_specifique": vocabulary.PRISE_EN_CHARGE_SPECIFIQUE,
    "frais_a_charge": vocabulary.FRAIS_A_CHARGE,
    "dispositif_programmes_nationaux": vocabulary.DISPOSITIF_PROGRAMMES_NATIONAUX,
    "formations_labels": vocabulary.FORMATIONS_LABELS,
    "modalites_accompagnement": vocabulary.MODALITES_ACCOMPAGNEMENT,
}


def extra(version: str, name: str) -> set[str]:
    with (DATA_INCLUSION / version / "extra" / f"{name}.json").open(encoding="utf-8") as handle:
        return {item["value"] for item in json.load(handle)}


def v0_schema_values(field_name: str) -> list[str]:
    """Values of one enumerated field of the standard v0.1, read from its regex."""
    with STANDARD_V0.open(encoding="utf-8") as handle:
        fields = {field["name"]: field for field in json.load(handle)["fields"]}
    pattern = fields[field_name]["constraints"]["pattern"]
    body = pattern.removeprefix("(?:(?:^|;)(").removesuffix("))+$")
    return [value.replace("\\", "") for value in body.split("|")]


@pytest.mark.parametrize(
    "field_name",
    [
        "services",
        "publics_accueillis",
        "conditions_acces",
        "labels_nationaux",
        "modalites_accompagnement",
    ],
)
def test_every_v0_value_of_the_standard_has_a_mapping(field_name):
    for value in v0_schema_values(field_name):
        assert standard_v0.v0_targets(field_name, value) is not None, value


def test_v0_mappings_target_exact_v1_values():
    for values in standard_v0.V0_VALUES.values():
        for targets in values.values():
            for field_name, value in targets:
                if field_name != "autres_formations_labels":
                    assert value in V1_VALUES[field_name], value


def test_data_inclusion_v0_mappings_use_published_v0_values():
    v0_themes = extra("v0", "thematiques") | extra("v1", "thematiques")
    assert set(data_inclusion.THEMATIQUES) <= v0_themes
    assert set(data_inclusion.TYPES) <= extra("v0", "typologies-de-services")
    assert set(data_inclusion.FRAIS) <= extra("v0", "frais")
    assert set(data_inclusion.PROFILS) | data_inclusion.EVERYONE_PROFILS <= extra("v0", "profils")
    assert set(data_inclusion.LABELS) <= extra("v0", "labels-nationaux")
    assert set(data_inclusion.THEMATIQUES.values()) <= set(vocabulary.SERVICES)


def test_data_inclusion_v1_mappings_use_published_v1_values():
    themes = extra("v1", "thematiques")
    for values in [
        *data_inclusion_v1.THEMATIQUES.values(),
        *data_inclusion_v1.EXTRA_THEMATIQUES.values(),
    ]:
        assert set(values) <= themes
    assert set(data_inclusion_v1.THEMATIQUES) == set(vocabulary.SERVICES)
    reseaux = extra("v1", "reseaux-porteurs")
    assert set(data_inclusion_v1.DISPOSITIF_RESEAUX.values()) <= reseaux
    assert set(data_inclusion_v1.TYPOLOGIE_RESEAUX.values()) <= reseaux
    assert set(data_inclusion_v1.TYPOLOGIE_RESEAUX) <= set(vocabulary.TYPOLOGIES)
    assert set(data_inclusion_v1.PUBLICS.values()) <= extra("v1", "publics")
    assert set(data_inclusion_v1.MODES_MOBILISATION.values()) <= extra("v1", "modes-mobilisation")
    assert set(data_inclusion_v1.MODES_MOBILISATION) == set(vocabulary.MODALITES_ACCES) - {
        "Ce lieu n'accueille pas de public"
    }
    assert {kind for _, kind in data_inclusion_v1.TYPES} <= extra("v1", "types-de-services")
