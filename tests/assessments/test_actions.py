"""Assessment actions: referential versions, drafts, impossible answers, completion,
overrides, status machine and anonymisation."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from aiguillage.assessments import actions
from aiguillage.assessments.actions import AssessmentError
from aiguillage.assessments.models import (
    ASSESSMENT_TRANSITIONS,
    Assessment,
    AssessmentStatus,
    AssessmentStatusChange,
    ReferentialFrozen,
    ReferentialVersion,
)
from aiguillage.journal.models import JournalEntry
from aiguillage.people.actions import anonymise_person, withdraw_consent
from tests.assessments.conftest import (
    ASSISTANCE,
    AUTONOMY,
    BEGINNER,
    INTERMEDIATE,
    in_depth,
    observe,
    screening,
    stricter_v2,
    v1_document,
)

# --- Referential versions ------------------------------------------------------------------


def test_the_bundled_referential_is_stored_once(db):
    first = actions.install_bundled_referentials()
    assert [version.version for version in first] == ["1.0.0"]
    assert actions.install_bundled_referentials() == []
    stored = ReferentialVersion.objects.get()
    assert stored.engine().content_hash == stored.content_hash


def test_the_first_assessment_installs_the_referential(owner, organisation, person):
    assert not ReferentialVersion.objects.exists()
    assessment = actions.start_assessment(
        actor=owner, organisation=organisation, person=person, kind="screening"
    )
    assert assessment.referential_version == "1.0.0"
    assert assessment.referential_hash == ReferentialVersion.objects.get().content_hash


def test_a_stored_version_is_never_edited_in_place(owner, organisation, person):
    screening(owner, organisation, person, AUTONOMY)
    version = ReferentialVersion.objects.get()
    version.title = "Changé"
    with pytest.raises(ReferentialFrozen, match="ne se modifie pas"):
        version.save()
    with pytest.raises(ReferentialFrozen, match="a servi"):
        version.delete()


def test_a_changed_file_is_refused_once_its_version_was_used(
    owner, organisation, person, tmp_path, monkeypatch
):
    screening(owner, organisation, person, AUTONOMY)
    changed = v1_document() | {"title": "Titre changé en place"}
    (tmp_path / "v1.json").write_text(json.dumps(changed), encoding="utf-8")
    monkeypatch.setattr(actions, "REFERENTIAL_DIR", tmp_path)
    with pytest.raises(AssessmentError, match="une version utilisée ne se modifie pas"):
        actions.install_bundled_referentials()


def test_publishing_a_new_version(staff, db):
    actions.install_bundled_referentials()
    version = actions.publish_referential(actor=staff, document=stricter_v2(), note="Seuil")
    assert ReferentialVersion.objects.current() == version
    assert version.published_by == staff
    assert JournalEntry.objects.filter(event="referential_published").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version="1.0.0"), "existe déjà"),
        (lambda d: d.update(version="0.9.0"), "plus grand"),
        (lambda d: d.update(version="deux"), "doit avoir la forme 1.2.3"),
        (lambda d: d["scales"].pop("autonomie"), "autonomie"),
        (lambda d: d.update(format=7), "Format de référentiel inconnu"),
    ],
)
def test_publishing_refuses_bad_versions_in_french(staff, db, change, message):
    actions.install_bundled_referentials()
    document = stricter_v2()
    change(document)
    with pytest.raises(AssessmentError) as error:
        actions.publish_referential(actor=staff, document=document)
    assert message in " ".join(error.value.errors)
    assert ReferentialVersion.objects.count() == 1


def test_publishing_the_same_content_twice_is_refused(staff, db):
    actions.install_bundled_referentials()
    actions.publish_referential(actor=staff, document=stricter_v2())
    with pytest.raises(AssessmentError, match="identique à celui de la version 2.0.0"):
        actions.publish_referential(actor=staff, document=stricter_v2())


def test_an_assessment_keeps_its_v1_result_when_v2_is_published(owner, organisation, person, staff):
    before = screening(owner, organisation, person, INTERMEDIATE)
    assert before.typology == "accompagne_intermediaire"
    stored_result = copy.deepcopy(before.result)
    actions.publish_referential(actor=staff, document=stricter_v2())
    before.refresh_from_db()
    assert before.referential_version == "1.0.0"
    assert before.typology == "accompagne_intermediaire"
    assert before.result == stored_result
    # Recomputed with its own pinned version, it says the same.
    assert before.score().typology == "accompagne_intermediaire"
    # The same answers under v2: one task with help is too much for intermediate.
    after = screening(owner, organisation, person, AUTONOMY | {"email": "avec_aide"})
    assert after.referential_version == "2.0.0"
    assert after.typology == "accompagne_intermediaire"
    pinned = screening(owner, organisation, person, AUTONOMY)
    assert pinned.typology == "autonomie"


# --- Starting and drafts -------------------------------------------------------------------


def test_starting_needs_the_evaluation_consent(owner, organisation, person_without_evaluation):
    with pytest.raises(AssessmentError, match="accord pour enregistrer son diagnostic"):
        actions.start_assessment(
            actor=owner,
            organisation=organisation,
            person=person_without_evaluation,
            kind="screening",
        )
    assert not Assessment.objects.exists()


def test_a_draft_is_resumed_not_duplicated(owner, colleague_read_only, organisation, person):
    draft = actions.start_assessment(
        actor=owner, organisation=organisation, person=person, kind="screening"
    )
    actions.save_answers(actor=owner, assessment=draft, answers={"appareil": "personnel"})
    again = actions.start_assessment(
        actor=colleague_read_only, organisation=organisation, person=person, kind="screening"
    )
    assert again == draft
    assert again.answers == {"appareil": "personnel"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(
            person=person,
            organisation=organisation,
            author=owner,
            kind="screening",
            referential=draft.referential,
            referential_version="1.0.0",
            referential_hash=draft.referential_hash,
        )


def test_unknown_kind_is_refused(owner, organisation, person):
    with pytest.raises(AssessmentError, match="repérage ou l'évaluation approfondie"):
        actions.start_assessment(actor=owner, organisation=organisation, person=person, kind="quiz")


# --- Screening answers ---------------------------------------------------------------------


@pytest.fixture
def draft(owner, organisation, person):
    return actions.start_assessment(
        actor=owner, organisation=organisation, person=person, kind="screening"
    )


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"appareil": "peut-etre"}, "n'est pas une réponse possible"),
        ({"appareil": ["aucun", "personnel"]}, "Une seule réponse possible"),
        ({"difficultes": ["aucune", "langue"]}, "ne peut pas être cochée avec une autre"),
        ({"question_inventee": "oui"}, "n'existe pas dans le référentiel"),
        ({"appareil": "aucun", "usage_internet": "semaine"}, "Réponses contradictoires"),
        ({"usage_internet": "jamais", "email": "seul"}, "ne se pose pas"),
    ],
)
def test_impossible_answers_are_refused_in_french(owner, draft, answers, message):
    with pytest.raises(AssessmentError) as error:
        actions.save_answers(actor=owner, assessment=draft, answers=answers)
    assert message in " ".join(error.value.errors)
    draft.refresh_from_db()
    assert draft.answers == {}


def test_a_changed_answer_drops_the_questions_it_makes_pointless(owner, draft):
    actions.save_answers(actor=owner, assessment=draft, answers=BEGINNER)
    actions.save_answer(actor=owner, assessment=draft, question_id="usage_internet", value="jamais")
    draft.refresh_from_db()
    assert draft.answers["usage_internet"] == "jamais"
    assert "email" not in draft.answers
    assert "allumer_appareil" in draft.answers
    assert draft.answer_order[-1] == "usage_internet"


def test_an_empty_answer_is_refused(owner, draft):
    with pytest.raises(AssessmentError, match="Choisissez une réponse"):
        actions.save_answer(actor=owner, assessment=draft, question_id="appareil", value="")
    with pytest.raises(AssessmentError, match="Cochez au moins une réponse"):
        actions.save_answer(actor=owner, assessment=draft, question_id="difficultes", value=[])


def test_an_incomplete_screening_cannot_be_computed(owner, draft):
    actions.save_answers(actor=owner, assessment=draft, answers={"appareil": "personnel"})
    with pytest.raises(AssessmentError) as error:
        actions.complete_screening(actor=owner, assessment=draft)
    assert any("Il manque la réponse" in message for message in error.value.errors)
    draft.refresh_from_db()
    assert draft.is_draft


def test_completing_stores_the_result_and_the_anonymous_columns(owner, organisation, person):
    assessment = screening(owner, organisation, person, BEGINNER)
    assert assessment.is_complete
    assert assessment.typology == assessment.computed_typology == "accompagne_debutant"
    assert assessment.result["reasons"][0]["decisive"] is True
    assert assessment.area_values["communication"] == 0
    assert assessment.total == 7
    assert assessment.commune == person.commune
    change = AssessmentStatusChange.objects.get(assessment=assessment)
    assert (change.from_status, change.to_status, change.actor) == ("draft", "complete", owner)
    assert JournalEntry.objects.filter(
        event="assessment_completed", object_id=str(assessment.public_id)
    ).exists()


def test_a_complete_screening_does_not_change(owner, organisation, person):
    assessment = screening(owner, organisation, person, AUTONOMY)
    with pytest.raises(AssessmentError, match="terminé"):
        actions.save_answers(actor=owner, assessment=assessment, answers={"appareil": "aucun"})
    with pytest.raises(AssessmentError, match="terminé"):
        actions.complete_screening(actor=owner, assessment=assessment)


@pytest.mark.parametrize("before", list(AssessmentStatus))
@pytest.mark.parametrize("after", list(AssessmentStatus))
def test_every_status_change_is_allowed_or_refused_by_the_table(draft, owner, before, after):
    draft.status = before
    allowed = after in ASSESSMENT_TRANSITIONS[before]
    if allowed:
        actions._change_status(draft, after, actor=owner)
        assert draft.status == after
        assert AssessmentStatusChange.objects.filter(from_status=before, to_status=after).exists()
    else:
        with pytest.raises(AssessmentError, match="ne peut pas passer"):
            actions._change_status(draft, after, actor=owner)
        assert not AssessmentStatusChange.objects.exists()


def test_abandoning_a_draft_erases_its_answers(owner, draft):
    actions.save_answers(actor=owner, assessment=draft, answers=BEGINNER)
    actions.abandon_assessment(actor=owner, assessment=draft)
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.ABANDONED
    assert draft.answers == {} and draft.answer_order == []


# --- In-depth assessment -------------------------------------------------------------------


@pytest.fixture
def in_depth_draft(owner, organisation, person):
    return actions.start_assessment(
        actor=owner, organisation=organisation, person=person, kind="in_depth"
    )


def test_the_in_depth_assessment_is_compared_with_the_latest_screening(owner, organisation, person):
    old = screening(
        owner, organisation, person, ASSISTANCE, at=timezone.now() - dt.timedelta(days=30)
    )
    latest = screening(owner, organisation, person, BEGINNER)
    draft = actions.start_assessment(
        actor=owner, organisation=organisation, person=person, kind="in_depth"
    )
    assert draft.screening == latest != old


def test_only_the_next_task_or_an_observed_one_can_be_recorded(owner, in_depth_draft):
    with pytest.raises(AssessmentError, match="pas celle à observer maintenant"):
        actions.record_observation(
            actor=owner,
            assessment=in_depth_draft,
            item_id="appareil_installer",
            outcome="fait_seul",
        )
    with pytest.raises(AssessmentError, match="Choisissez ce que vous avez observé"):
        actions.record_observation(
            actor=owner, assessment=in_depth_draft, item_id="appareil_allumer", outcome="bof"
        )
    with pytest.raises(AssessmentError, match="n'existe pas"):
        actions.record_observation(
            actor=owner, assessment=in_depth_draft, item_id="inventee", outcome="fait_seul"
        )


def test_correcting_a_task_restarts_the_climb_from_there(owner, in_depth_draft):
    for item in ("appareil_allumer", "appareil_application", "appareil_wifi"):
        actions.record_observation(
            actor=owner, assessment=in_depth_draft, item_id=item, outcome="fait_seul"
        )
    actions.record_observation(
        actor=owner, assessment=in_depth_draft, item_id="appareil_application", outcome="avec_aide"
    )
    assert in_depth_draft.answers == {
        "appareil_allumer": "fait_seul",
        "appareil_application": "avec_aide",
    }


def test_an_in_depth_assessment_that_confirms_the_screening_needs_no_reason(
    owner, organisation, person
):
    screening(owner, organisation, person, AUTONOMY)
    everything = {
        area: 4
        for area in (
            "appareil",
            "information",
            "communication",
            "contenus",
            "securite",
            "problemes",
        )
    }
    assessment = in_depth(owner, organisation, person, everything)
    assert assessment.typology == assessment.computed_typology == "autonomie"
    assert not assessment.is_override
    assert assessment.result["comparison"]["status"] == "agree"


def test_an_override_needs_a_choice_and_a_written_reason(owner, organisation, person):
    screening(owner, organisation, person, AUTONOMY)
    draft = actions.start_assessment(
        actor=owner, organisation=organisation, person=person, kind="in_depth"
    )
    observe(owner, draft, {"appareil": 2, "information": 1})
    with pytest.raises(AssessmentError, match="Choisissez la typologie à retenir"):
        actions.complete_in_depth(actor=owner, assessment=draft, reason="Observé en atelier.")
    with pytest.raises(AssessmentError, match="pourquoi"):
        actions.complete_in_depth(
            actor=owner, assessment=draft, retained_typology="assistance", reason="ok"
        )
    with pytest.raises(AssessmentError, match="Choisissez la typologie à retenir"):
        actions.complete_in_depth(
            actor=owner,
            assessment=draft,
            retained_typology="accompagne_debutant",
            reason="Ni l'une ni l'autre : refusé, seules les deux mesures se choisissent.",
        )
    assert Assessment.objects.get(pk=draft.pk).is_draft
    done = actions.complete_in_depth(
        actor=owner,
        assessment=draft,
        retained_typology="assistance",
        reason="Ne retrouve pas ses documents sans aide, observé à deux séances.",
    )
    assert done.is_complete and done.is_override
    assert (done.computed_typology, done.typology) == ("assistance", "assistance")


def test_an_override_is_journaled_without_its_text(owner, organisation, person):
    screening(owner, organisation, person, AUTONOMY)
    reason = "Observée deux fois : ne retrouve pas ses documents sans aide."
    assessment = in_depth(
        owner, organisation, person, {"appareil": 1}, retained="autonomie", reason=reason
    )
    assert assessment.is_override
    assert assessment.typology == "autonomie"
    assert assessment.computed_typology == "assistance"
    assert assessment.override_reason == reason
    entry = JournalEntry.objects.get(event="assessment_typology_overridden")
    assert entry.data["retained_typology"] == "autonomie"
    assert entry.data["in_depth_typology"] == "assistance"
    assert reason not in json.dumps(entry.data)


# --- Anonymisation -------------------------------------------------------------------------


def test_withdrawing_consent_anonymises_assessments_but_keeps_statistics(
    owner, organisation, person
):
    commune = person.commune
    done = screening(owner, organisation, person, BEGINNER)
    draft = actions.start_assessment(
        actor=owner, organisation=organisation, person=person, kind="in_depth"
    )
    actions.record_observation(
        actor=owner, assessment=draft, item_id="appareil_allumer", outcome="fait_seul"
    )
    withdraw_consent(actor=owner, person=person)
    done.refresh_from_db()
    draft.refresh_from_db()
    assert done.answers == {} and done.result == {} and done.override_reason == ""
    assert done.anonymised_at is not None
    # The anonymous part stays for the statistics.
    assert done.typology == "accompagne_debutant"
    assert done.area_values["communication"] == 0
    assert done.commune == commune and person.commune is None
    assert done.organisation == organisation
    assert done.completed_at is not None
    assert draft.status == AssessmentStatus.ABANDONED and draft.answers == {}
    assert Assessment.objects.complete().in_territory(organisation.territory).count() == 1


def test_deleting_a_person_blanks_the_override_reason(owner, organisation, person):
    screening(owner, organisation, person, AUTONOMY)
    assessment = in_depth(
        owner,
        organisation,
        person,
        {"appareil": 1},
        retained="assistance",
        reason="Elle confond les applications, observé deux fois en atelier.",
    )
    anonymise_person(actor=owner, person=person, reason="suppression demandée")
    assessment.refresh_from_db()
    assert assessment.override_reason == ""
    assert assessment.typology == "assistance"
    assert assessment.is_override
    with pytest.raises(AssessmentError, match="anonymisée"):
        actions.start_assessment(
            actor=owner, organisation=organisation, person=person, kind="screening"
        )


def test_the_load_command_is_a_dry_run_unless_told(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_referentials", stdout=out)
    assert "simulation" in out.getvalue()
    assert not ReferentialVersion.objects.exists()
    call_command("load_referentials", "--wet-run", stdout=out)
    assert ReferentialVersion.objects.get().version == "1.0.0"
