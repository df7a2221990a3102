"""Fixtures of the assessments app: people with and without the « evaluation » consent,
answer sets of known typology, and helpers that run assessments through the actions."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from aiguillage.assessments import actions
from aiguillage.assessments.engine import REFERENTIAL_DIR, bundled_referential, next_item
from aiguillage.assessments.models import Assessment
from aiguillage.people.actions import create_person
from aiguillage.people.rules import CONSENT_EXPLANATION
from aiguillage.territories.models import Commune

SKILLS = (
    "allumer_appareil",
    "recherche",
    "email",
    "compte_en_ligne",
    "demarche_en_ligne",
    "photo_document",
    "arnaque",
    "probleme",
)


def _answers(appareil, connexion, usage, skills, difficultes, urgente, entourage) -> dict:
    answers = {
        "appareil": appareil,
        "connexion": connexion,
        "usage_internet": usage,
        "difficultes": difficultes,
        "demarche_urgente": urgente,
        "aide_entourage": entourage,
        **dict(zip(SKILLS, skills, strict=True)),
    }
    return {key: value for key, value in answers.items() if value is not None}


# Complete answer sets (skipped questions left out) and the typology v1 gives them.
# The professional's question of 1.1.0 (« difficulte_sociale ») is optional: left out here.
AUTONOMY = _answers("personnel", "oui", "semaine", ["seul"] * 8, ["aucune"], "non", "oui")
INTERMEDIATE = _answers(
    "personnel",
    "oui",
    "semaine",
    ["seul", "seul", "avec_aide", "seul", "avec_aide", "seul", "seul", "avec_aide"],
    ["aucune"],
    "non",
    "oui",
)
BEGINNER = _answers(
    "personnel",
    "limitee",
    "moins_3_mois",
    ["seul", "avec_aide", "ne_sait_pas", "avec_aide", "ne_sait_pas"]
    + ["avec_aide", "avec_aide", "avec_aide"],
    ["peur_erreur"],
    "non",
    "parfois",
)
ASSISTANCE = {
    "appareil": "aucun",
    "usage_internet": "jamais",
    "allumer_appareil": "ne_sait_pas",
    "difficultes": ["lire_ecrire"],
    "demarche_urgente": "oui",
    "aide_entourage": "non",
}


@pytest.fixture(autouse=True)
def bundled_v1_only(monkeypatch, tmp_path_factory):
    """These tests were written for a single bundled version, 1.0.0 (installing, pinning,
    publishing the next one). They keep it: ``install_bundled_referentials`` sees v1.json
    alone. Tests of 1.1.0 (the professional's « difficulté sociale ») ask for
    ``bundled_referentials`` to see every shipped file, as production does."""
    folder = tmp_path_factory.getbasetemp() / "referential-v1-only"
    folder.mkdir(exist_ok=True)
    (folder / "v1.json").write_bytes((REFERENTIAL_DIR / "v1.json").read_bytes())
    monkeypatch.setattr(actions, "REFERENTIAL_DIR", folder)


@pytest.fixture
def bundled_referentials(bundled_v1_only, monkeypatch):
    """Every referential shipped in aiguillage/assessments/referential/ (1.1.0 is current)."""
    monkeypatch.setattr(actions, "REFERENTIAL_DIR", REFERENTIAL_DIR)


@pytest.fixture
def referential():
    return bundled_referential("v1")


def make_person(actor, organisation, *, purposes=("accompagnement", "evaluation"), **values):
    values = {"first_name": "Fatima", "last_name": "B.", "birth_year": 1958} | values
    return create_person(
        actor=actor,
        organisation=organisation,
        values=values,
        purposes=list(purposes),
        explained_text=CONSENT_EXPLANATION,
    )


@pytest.fixture
def person(owner, organisation, territory):
    return make_person(owner, organisation, commune=Commune.objects.get(insee_code="38185"))


@pytest.fixture
def person_without_evaluation(owner, organisation):
    return make_person(owner, organisation, purposes=("accompagnement",), first_name="Jo")


def screening(actor, organisation, person, answers, *, at: dt.datetime | None = None):
    """A complete screening through the actions."""
    assessment = actions.start_assessment(
        actor=actor, organisation=organisation, person=person, kind="screening"
    )
    actions.save_answers(actor=actor, assessment=assessment, answers=answers)
    return actions.complete_screening(actor=actor, assessment=assessment, completed_at=at)


def observe(actor, assessment: Assessment, abilities: dict[str, int]) -> Assessment:
    """Answer every task in the engine's order: done alone up to the area's ability level,
    with help just above, not at all beyond."""
    referential = assessment.engine_referential()
    screening_typology = assessment.screening.typology if assessment.screening else None
    while True:
        item = next_item(referential, assessment.answers, screening_typology=screening_typology)
        if item is None:
            return assessment
        ability = abilities.get(item.area, 0)
        outcome = "fait_seul" if item.level <= ability else "avec_aide"
        if item.level > ability + 1:
            outcome = "ne_sait_pas"
        actions.record_observation(
            actor=actor, assessment=assessment, item_id=item.id, outcome=outcome
        )


def in_depth(actor, organisation, person, abilities, *, at=None, retained="", reason=""):
    """A complete in-depth assessment through the actions."""
    assessment = actions.start_assessment(
        actor=actor, organisation=organisation, person=person, kind="in_depth"
    )
    observe(actor, assessment, abilities)
    return actions.complete_in_depth(
        actor=actor,
        assessment=assessment,
        retained_typology=retained,
        reason=reason,
        completed_at=at,
    )


def v1_document() -> dict:
    return json.loads((REFERENTIAL_DIR / "v1.json").read_text(encoding="utf-8"))


def stricter_v2() -> dict:
    """v2: the « trop d'aide » rule fires from one task not done alone instead of three."""
    document = copy.deepcopy(v1_document())
    document["version"] = "2.0.0"
    document["changelog"].append({"version": "2.0.0", "changes": "Test : seuil plus strict."})
    for rule in document["screening"]["typology_rules"]:
        if rule["id"] == "trop_d_aide":
            rule["when"]["min_count"] = 1
    return document
