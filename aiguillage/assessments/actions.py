"""The one path for writes on assessments and on the referential's versions.

Every action checks its rule and raises ``AssessmentError`` with French messages; views
show them. Reads of an assessment are journaled by ``permissions.get_assessment_for_user``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from aiguillage.assessments.engine import (
    REFERENTIAL_DIR,
    InDepthResult,
    InvalidAnswers,
    Referential,
    ReferentialError,
    load_referential,
    next_item,
    prune_skipped,
    validate_answers,
    validate_responses,
)
from aiguillage.assessments.models import (
    ASSESSMENT_TRANSITIONS,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    AssessmentStatusChange,
    ReferentialVersion,
)
from aiguillage.journal.actions import log_event
from aiguillage.organisations.models import Organisation
from aiguillage.people.actions import touch_person
from aiguillage.people.models import Person

EVALUATION_PURPOSE = "evaluation"
# An override must say why in a sentence, not in a word.
MIN_REASON_LENGTH = 15


class AssessmentError(ValueError):
    """A rule refused the change; ``errors`` are French sentences for the page."""

    def __init__(self, errors: str | Sequence[str]) -> None:
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__(" ".join(self.errors))


def person_consents_to_evaluation(person: Person) -> bool:
    """The person agreed that their assessment be recorded (consent purpose « evaluation »)."""
    return any(
        consent.withdrawn_at is None and EVALUATION_PURPOSE in consent.purposes
        for consent in person.consents.all()
    )


def _check_person(person: Person) -> None:
    if person.anonymised_at:
        raise AssessmentError("Cette fiche est anonymisée : aucun diagnostic ne peut y être fait.")
    if not person_consents_to_evaluation(person):
        raise AssessmentError(
            "La personne n'a pas donné son accord pour enregistrer son diagnostic : "
            "recueillez-le d'abord."
        )


def _check_draft(assessment: Assessment, kind: str) -> None:
    if assessment.kind != kind:
        raise AssessmentError("Cette action ne concerne pas ce type de diagnostic.")
    if not assessment.is_draft:
        raise AssessmentError(
            "Ce diagnostic est terminé : ses réponses ne changent plus. Pour mesurer un "
            "progrès, faites un nouveau diagnostic."
        )


def _change_status(assessment: Assessment, to: str, *, actor: Any, note: str = "") -> None:
    """The only place where a status changes: checks the table, records who and when."""
    before = assessment.status
    if to not in ASSESSMENT_TRANSITIONS[before]:
        raise AssessmentError(
            f"Un diagnostic « {AssessmentStatus(before).label.lower()} » ne peut pas passer "
            f"à « {AssessmentStatus(to).label.lower()} »."
        )
    assessment.status = to
    AssessmentStatusChange.objects.create(
        assessment=assessment,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=before,
        to_status=to,
        note=note,
    )


def _blank_personal_data(assessment: Assessment) -> None:
    # The declared fields only: the anonymiser never keeps its own list.
    for name in Assessment.PERSONAL_DATA_FIELDS:
        setattr(assessment, name, Assessment._meta.get_field(name).get_default())


def _as_json(data: dict[str, Any]) -> dict[str, Any]:
    """What the database gives back (lists, not tuples), so that memory and rows agree."""
    return json.loads(json.dumps(data))


def _log(event: str, assessment: Assessment, actor: Any, **data: Any) -> None:
    log_event(
        event,
        actor=actor,
        obj=assessment,
        territory_id=assessment.organisation.territory_id,
        data={"kind": assessment.kind, **data},
    )


# --- Referential versions ------------------------------------------------------------------


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _store_version(
    referential: Referential, document: Mapping[str, Any], *, actor: Any, note: str
) -> ReferentialVersion:
    return ReferentialVersion.objects.create(
        version=referential.version,
        content_hash=referential.content_hash,
        title=referential.title,
        document=dict(document),
        note=note[:300],
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def install_bundled_referentials(*, actor: Any = None) -> list[ReferentialVersion]:
    """Store each referential file of the repository that the database does not have yet.

    A file changed in place keeps its version number only while no assessment used the
    stored one; afterwards it is refused: a used version never changes.
    """
    installed = []
    for path in sorted(REFERENTIAL_DIR.glob("*.json")):
        referential = load_referential(path)
        existing = ReferentialVersion.objects.filter(version=referential.version).first()
        if existing is not None and existing.content_hash == referential.content_hash:
            continue
        if existing is not None:
            if existing.assessments.exists():
                raise AssessmentError(
                    f"Le fichier {path.name} a changé alors que la version {existing.version} "
                    f"a déjà servi : une version utilisée ne se modifie pas, donnez un nouveau "
                    f"numéro de version au fichier."
                )
            existing.delete()
        document = json.loads(referential.document)
        version = _store_version(referential, document, actor=actor, note=f"Fichier {path.name}")
        log_event("referential_installed", actor=actor, obj=version, data={"file": path.name})
        installed.append(version)
    return installed


def current_referential() -> ReferentialVersion:
    """The version new assessments use; the bundled files are stored on first use."""
    version = ReferentialVersion.objects.current()
    if version is None:
        install_bundled_referentials()
        version = ReferentialVersion.objects.current()
    if version is None:
        raise AssessmentError("Aucun référentiel n'est installé.")
    return version


@transaction.atomic
def publish_referential(
    *, actor: Any, document: Mapping[str, Any], note: str = ""
) -> ReferentialVersion:
    """Store a new version (staff): valid, with a new and higher number, a new content."""
    try:
        referential = load_referential(document)
    except ReferentialError as error:
        raise AssessmentError(error.errors) from error
    versions = list(ReferentialVersion.objects.values_list("version", "content_hash"))
    same = next((v for v, h in versions if h == referential.content_hash), None)
    if same is not None:
        raise AssessmentError(f"Ce contenu est identique à celui de la version {same}.")
    if any(v == referential.version for v, _ in versions):
        raise AssessmentError(
            f"La version {referential.version} existe déjà et ne se modifie pas : "
            f"donnez un nouveau numéro dans « version »."
        )
    highest = max((v for v, _ in versions), key=_version_key, default=None)
    if highest is not None and _version_key(referential.version) < _version_key(highest):
        raise AssessmentError(
            f"Le numéro {referential.version} doit être plus grand que celui de la dernière "
            f"version ({highest})."
        )
    version = _store_version(referential, document, actor=actor, note=note)
    log_event(
        "referential_published",
        actor=actor,
        obj=version,
        data={"version": version.version, "hash": version.content_hash},
    )
    return version


# --- Starting, resuming, abandoning --------------------------------------------------------


@transaction.atomic
def start_assessment(
    *, actor: Any, organisation: Organisation, person: Person, kind: str
) -> Assessment:
    """A new draft with the current referential, or the organisation's draft to resume."""
    _check_person(person)
    if kind not in AssessmentKind.values:
        raise AssessmentError("Choisissez le repérage ou l'évaluation approfondie.")
    draft = Assessment.objects.drafts().filter(person=person, organisation=organisation, kind=kind)
    existing = draft.select_for_update().first()
    if existing is not None:
        return existing
    version = current_referential()
    screening = None
    if kind == AssessmentKind.IN_DEPTH:
        # Compared with the latest screening, whichever structure made it.
        screening = (
            Assessment.objects.complete()
            .filter(person=person, kind=AssessmentKind.SCREENING)
            .order_by("-completed_at", "-id")
            .first()
        )
    assessment = Assessment.objects.create(
        person=person,
        organisation=organisation,
        author=actor,
        kind=kind,
        referential=version,
        referential_version=version.version,
        referential_hash=version.content_hash,
        screening=screening,
    )
    _log("assessment_started", assessment, actor, version=version.version)
    touch_person(person)
    return assessment


@transaction.atomic
def abandon_assessment(*, actor: Any, assessment: Assessment) -> Assessment:
    """Drop a draft: its answers are erased at once (nothing kept without a purpose)."""
    _change_status(assessment, AssessmentStatus.ABANDONED, actor=actor)
    _blank_personal_data(assessment)
    assessment.save()
    _log("assessment_abandoned", assessment, actor)
    return assessment


@transaction.atomic
def set_simple_wording(*, actor: Any, assessment: Assessment, simple: bool) -> Assessment:
    """Show the very simple wording and pictograms (or the plain text) on the next screens."""
    if not assessment.is_draft:
        raise AssessmentError("Ce diagnostic est terminé.")
    assessment.simple_wording = simple
    assessment.save(update_fields=["simple_wording", "updated_at"])
    return assessment


# --- Screening -----------------------------------------------------------------------------


def _clean_value(value: Any) -> str | list[str] | None:
    if value in (None, "", [], ()):
        return None
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)


def _remember_order(assessment: Assessment, keys: Sequence[str]) -> None:
    order = [key for key in assessment.answer_order if key not in keys]
    assessment.answer_order = [*order, *keys]


@transaction.atomic
def save_answers(*, actor: Any, assessment: Assessment, answers: Mapping[str, Any]) -> Assessment:
    """Record screening answers (a draft may stay incomplete); impossible ones are refused.

    Answers to questions that the new answers make pointless are removed (someone who
    never used the internet is not asked about attachments).
    """
    _check_draft(assessment, AssessmentKind.SCREENING)
    _check_person(assessment.person)
    referential = assessment.engine_referential()
    merged = dict(assessment.answers)
    for question_id, value in answers.items():
        cleaned = _clean_value(value)
        if cleaned is None:
            merged.pop(question_id, None)
        else:
            merged[question_id] = cleaned
    pruned = prune_skipped(referential, merged)
    # A changed answer may make later questions pointless: their answers go. But an answer
    # given now to a question that these answers do not ask is refused.
    refused = {key: merged[key] for key in answers if key in merged and key not in pruned}
    errors = validate_answers(referential, {**pruned, **refused})
    if errors:
        raise AssessmentError(errors)
    assessment.answers = pruned
    _remember_order(assessment, [key for key in answers if key in pruned])
    assessment.answer_order = [key for key in assessment.answer_order if key in pruned]
    assessment.save(update_fields=["answers", "answer_order", "updated_at"])
    return assessment


def save_answer(*, actor: Any, assessment: Assessment, question_id: str, value: Any) -> Assessment:
    """One screen's answer. The question must be one that these answers ask."""
    referential = assessment.engine_referential()
    known = {question.id: question for question in referential.screening.questions}
    question = known.get(question_id)
    if question is None:
        raise AssessmentError("Cette question n'existe pas dans ce référentiel.")
    if _clean_value(value) is None:
        raise AssessmentError(
            "Cochez au moins une réponse." if question.scale.multiple else "Choisissez une réponse."
        )
    if question.scale.multiple and not isinstance(value, list | tuple):
        value = [value]
    return save_answers(actor=actor, assessment=assessment, answers={question_id: value})


@transaction.atomic
def complete_screening(
    *, actor: Any, assessment: Assessment, completed_at: dt.datetime | None = None
) -> Assessment:
    """Compute and store the result; the answers are then fixed.

    ``completed_at`` records a paper screening entered afterwards (defaults to now).
    """
    _check_draft(assessment, AssessmentKind.SCREENING)
    _check_person(assessment.person)
    try:
        result = assessment.score()
    except InvalidAnswers as error:
        raise AssessmentError(error.errors) from error
    assessment.result = _as_json(result.to_dict())
    assessment.computed_typology = assessment.typology = result.typology
    assessment.area_values = result.area_values
    assessment.total = result.total
    return _complete(assessment, actor=actor, completed_at=completed_at)


def _complete(
    assessment: Assessment, *, actor: Any, completed_at: dt.datetime | None
) -> Assessment:
    assessment.commune = assessment.person.commune
    assessment.completed_at = completed_at or timezone.now()
    _change_status(assessment, AssessmentStatus.COMPLETE, actor=actor)
    assessment.save()
    _log("assessment_completed", assessment, actor, typology=assessment.typology)
    touch_person(assessment.person)
    return assessment


# --- In-depth assessment -------------------------------------------------------------------


def _without_superseded(
    referential: Referential, responses: Mapping[str, str], item_id: str, success: bool
) -> dict[str, str]:
    """Responses once ``item_id`` is (re)observed: in its area, the harder tasks are
    dropped (the climb starts again from here), and after a success, so are the easier
    tasks that were not done alone (a success settles them)."""
    item = referential.item(item_id)
    kept = {}
    for other_id, outcome in responses.items():
        other = referential.item(other_id)
        if other.area == item.area and other_id != item_id:
            if other.level > item.level:
                continue
            if success and outcome != referential.in_depth.outcome_scale.highest.code:
                continue
        kept[other_id] = outcome
    return kept


@transaction.atomic
def record_observation(
    *, actor: Any, assessment: Assessment, item_id: str, outcome: str
) -> Assessment:
    """One observed task: the next one proposed, or one already observed (a correction)."""
    _check_draft(assessment, AssessmentKind.IN_DEPTH)
    _check_person(assessment.person)
    referential = assessment.engine_referential()
    known = {item.id for item in referential.in_depth.items}
    if item_id not in known:
        raise AssessmentError("Cette tâche n'existe pas dans ce référentiel.")
    scale = referential.in_depth.outcome_scale
    if not scale.has(outcome or ""):
        raise AssessmentError(
            "Choisissez ce que vous avez observé : "
            + ", ".join(f"« {choice.label} »" for choice in scale.choices)
            + "."
        )
    responses = dict(assessment.answers)
    if item_id not in responses:
        item = referential.item(item_id)
        screening = assessment.screening.typology if assessment.screening else None
        try:
            expected = next_item(
                referential, responses, screening_typology=screening, area=item.area
            )
        except InvalidAnswers as error:
            raise AssessmentError(error.errors) from error
        if expected is None or expected.id != item_id:
            hint = f" : observez d'abord « {expected.text} »" if expected else ""
            raise AssessmentError(f"Cette tâche n'est pas celle à observer maintenant{hint}.")
    responses = _without_superseded(referential, responses, item_id, outcome == scale.highest.code)
    responses[item_id] = outcome
    errors = validate_responses(referential, responses)
    if errors:
        raise AssessmentError(errors)
    assessment.answers = responses
    _remember_order(assessment, [item_id])
    assessment.answer_order = [key for key in assessment.answer_order if key in responses]
    assessment.save(update_fields=["answers", "answer_order", "updated_at"])
    return assessment


@transaction.atomic
def complete_in_depth(
    *,
    actor: Any,
    assessment: Assessment,
    retained_typology: str = "",
    reason: str = "",
    completed_at: dt.datetime | None = None,
) -> Assessment:
    """Store the levels and the overall typology.

    When the in-depth result does not confirm the screening, the mediator chooses which
    typology to retain and must write why; the choice is journaled (not the text, which
    may speak about the person).
    """
    _check_draft(assessment, AssessmentKind.IN_DEPTH)
    _check_person(assessment.person)
    try:
        result = assessment.score()
    except InvalidAnswers as error:
        raise AssessmentError(error.errors) from error
    assert isinstance(result, InDepthResult)
    comparison = assessment.screening_comparison(result)
    retained, reason = result.typology, reason.strip()
    if comparison is not None and not comparison.agrees:
        allowed = {comparison.in_depth_typology, comparison.screening_typology}
        if retained_typology not in allowed:
            raise AssessmentError(
                "Choisissez la typologie à retenir : celle de l'évaluation approfondie ou "
                "celle du repérage."
            )
        if len(reason) < MIN_REASON_LENGTH:
            raise AssessmentError(
                "Écrivez en une phrase pourquoi vous retenez cette typologie : c'est "
                "obligatoire quand l'évaluation approfondie ne confirme pas le repérage."
            )
        retained = retained_typology
        assessment.is_override = True
        assessment.override_reason = reason
    assessment.result = _as_json(
        result.to_dict() | {"comparison": dataclasses.asdict(comparison) if comparison else None}
    )
    assessment.computed_typology = result.typology
    assessment.typology = retained
    assessment.area_values = result.area_values
    assessment.total = result.total
    _complete(assessment, actor=actor, completed_at=completed_at)
    if assessment.is_override:
        _log(
            "assessment_typology_overridden",
            assessment,
            actor,
            screening_typology=comparison.screening_typology if comparison else "",
            in_depth_typology=result.typology,
            retained_typology=retained,
        )
    return assessment


# --- Anonymisation -------------------------------------------------------------------------


def anonymise_assessments_of_person(person: Person) -> int:
    """Registered with ``people.anonymisation``: erase the answers, results and reasons;
    keep the anonymous part (typology, levels per area, date, commune, organisation)."""
    count = 0
    for assessment in Assessment.objects.filter(person=person, anonymised_at__isnull=True):
        if assessment.is_draft:
            _change_status(assessment, AssessmentStatus.ABANDONED, actor=None, note="anonymisation")
        _blank_personal_data(assessment)
        assessment.anonymised_at = timezone.now()
        assessment.save()
        count += 1
    return count
