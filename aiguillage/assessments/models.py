"""Assessments stored in the database: the versioned referential and each assessment made.

The engine (``aiguillage.assessments.engine``) is pure; this module keeps what it needs to
stay explainable: every assessment points to the exact referential version (and content
hash) that computed its result, and a referential version is never changed once stored.
"""

from __future__ import annotations

import json
import threading
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from aiguillage.assessments import rules
from aiguillage.assessments.engine import (
    InDepthResult,
    Referential,
    ReferentialMismatch,
    ScreeningComparison,
    ScreeningResult,
    compare_with_screening,
    load_referential,
    score_in_depth,
    score_screening,
)
from aiguillage.organisations.models import Organisation
from aiguillage.people.models import Person
from aiguillage.territories.models import Commune, Territory


class ReferentialFrozen(PermissionError):
    """A stored referential version cannot be changed: publish a new one."""


class ReferentialVersionQuerySet(models.QuerySet):
    def current(self) -> ReferentialVersion | None:
        """The version new assessments use: the last one published."""
        return self.order_by("-published_at", "-id").first()


class ReferentialVersion(models.Model):
    """One version of the referential, stored once and never edited (a new version instead).

    ``document`` is the JSON the engine reads; ``content_hash`` is the engine's SHA-256 of
    it (``engine.content_hash``), checked every time the version is loaded.
    """

    version = models.CharField("version", max_length=20, unique=True)
    content_hash = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    title = models.CharField("titre", max_length=200)
    document = models.JSONField("contenu")
    note = models.CharField("ce qui change", max_length=300, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referential_versions_published",
    )
    published_at = models.DateTimeField("publiée le", default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferentialVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "version du référentiel"
        verbose_name_plural = "versions du référentiel"

    def __str__(self) -> str:
        return f"Référentiel {self.version}"

    def save(self, *args, **kwargs) -> None:
        # Old results must stay explainable with the rules that produced them: a stored
        # version is append-only, like the journal.
        if self.pk is not None and not self._state.adding:
            raise ReferentialFrozen(
                "Une version du référentiel ne se modifie pas : publiez-en une nouvelle."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.assessments.exists():
            raise ReferentialFrozen("Cette version a servi à des évaluations : elle est gardée.")
        return super().delete(*args, **kwargs)

    def engine(self) -> Referential:
        """The engine's referential for this version, checked against the stored hash."""
        return _engine_referential(self.content_hash, self.document)


_LOADED: dict[str, Referential] = {}
_LOADED_LOCK = threading.Lock()


def _engine_referential(expected_hash: str, document: dict) -> Referential:
    """Load (once per process) and verify a stored document; versions never change."""
    with _LOADED_LOCK:
        referential = _LOADED.get(expected_hash)
    if referential is None:
        referential = load_referential(json.loads(json.dumps(document)))
        if referential.content_hash != expected_hash:
            raise ReferentialMismatch(
                f"Le référentiel {referential.version} stocké ne correspond plus à son "
                f"empreinte ({expected_hash[:12]}…)."
            )
        with _LOADED_LOCK:
            _LOADED[expected_hash] = referential
    return referential


class AssessmentKind(models.TextChoices):
    SCREENING = "screening", "Repérage"
    IN_DEPTH = "in_depth", "Évaluation approfondie"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    COMPLETE = "complete", "Terminé"
    ABANDONED = "abandoned", "Abandonné"


# Allowed status changes; ``actions._change_status`` refuses every other pair.
ASSESSMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AssessmentStatus.DRAFT: frozenset({AssessmentStatus.COMPLETE, AssessmentStatus.ABANDONED}),
    AssessmentStatus.COMPLETE: frozenset(),
    AssessmentStatus.ABANDONED: frozenset(),
}


class AssessmentQuerySet(models.QuerySet):
    def complete(self) -> AssessmentQuerySet:
        return self.filter(status=AssessmentStatus.COMPLETE)

    def drafts(self) -> AssessmentQuerySet:
        return self.filter(status=AssessmentStatus.DRAFT)

    def for_person(self, person: Person) -> AssessmentQuerySet:
        return self.filter(person=person)

    def in_territory(self, territory: Territory) -> AssessmentQuerySet:
        return self.filter(organisation__territory=territory)

    def chronological(self) -> AssessmentQuerySet:
        return self.order_by("completed_at", "id")


class Assessment(models.Model):
    """A screening or an in-depth assessment of one person by one organisation.

    ``answers`` holds the screening answers (question id → choice code, or a list of codes)
    or the in-depth observations (task id → outcome code). ``result`` is the engine's
    result (``to_dict()``) when complete. The columns ``typology``, ``area_values``,
    ``total``, ``commune`` and ``completed_at`` are the anonymous part kept for statistics
    when the person is anonymised.
    """

    # Fields holding personal data; the anonymiser blanks exactly these.
    PERSONAL_DATA_FIELDS = ("answers", "answer_order", "result", "override_reason")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments_made"
    )
    kind = models.CharField("type", max_length=10, choices=AssessmentKind.choices)
    status = models.CharField(
        "état", max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    referential = models.ForeignKey(
        ReferentialVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    # Copied from the referential so that a row alone says what computed it.
    referential_version = models.CharField(max_length=20)
    referential_hash = models.CharField(max_length=64)
    answers = models.JSONField("réponses", default=dict, blank=True)
    answer_order = models.JSONField("ordre des réponses", default=list, blank=True)
    result = models.JSONField("résultat", default=dict, blank=True)
    # The in-depth assessment is compared with this screening (the latest at its start).
    screening = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="in_depth_assessments",
    )
    computed_typology = models.CharField("typologie calculée", max_length=40, blank=True)
    typology = models.CharField("typologie retenue", max_length=40, blank=True)
    is_override = models.BooleanField("contredit le repérage", default=False)
    override_reason = models.TextField("raison du choix", blank=True)
    area_values = models.JSONField("valeurs par domaine", default=dict, blank=True)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments"
    )
    simple_wording = models.BooleanField("formulation très simple", default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "diagnostic"
        constraints = [
            # A draft is resumed, not duplicated.
            models.UniqueConstraint(
                fields=["person", "organisation", "kind"],
                condition=models.Q(status="draft"),
                name="one_draft_per_person_organisation_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="complete")
                | (models.Q(completed_at__isnull=False) & ~models.Q(typology="")),
                name="complete_assessment_has_typology_and_date",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["screening", "in_depth"]),
                name="assessment_kind_known",
            ),
        ]
        indexes = [models.Index(fields=["status", "completed_at"])]

    def __str__(self) -> str:
        # Never the person's name: __str__ ends up in logs and error reports.
        return f"Diagnostic {self.public_id}"

    @property
    def is_draft(self) -> bool:
        return self.status == AssessmentStatus.DRAFT

    @property
    def is_complete(self) -> bool:
        return self.status == AssessmentStatus.COMPLETE

    @property
    def is_screening(self) -> bool:
        return self.kind == AssessmentKind.SCREENING

    def engine_referential(self) -> Referential:
        """The referential this assessment is pinned to (never the current one)."""
        referential = self.referential.engine()
        referential.check_pin(self.referential_version, self.referential_hash)
        return referential

    def score(self) -> ScreeningResult | InDepthResult:
        """The engine's result for the answers so far; raises ``InvalidAnswers`` (French)."""
        referential = self.engine_referential()
        if self.is_screening:
            return score_screening(referential, self.answers)
        return score_in_depth(referential, self.answers, screening=self.screening_result())

    def screening_result(self) -> ScreeningResult | None:
        """For an in-depth assessment, the result of the screening it is compared with."""
        screening = self.screening
        if screening is None or not screening.is_complete or not screening.answers:
            return None
        result = screening.score()
        assert isinstance(result, ScreeningResult)
        return result

    def screening_comparison(self, in_depth: InDepthResult) -> ScreeningComparison | None:
        """Does this in-depth result confirm its screening? None without a usable screening."""
        screening = self.screening_result()
        referential = self.engine_referential()
        if screening is None or screening.typology not in {t.code for t in referential.typologies}:
            return None
        return compare_with_screening(screening, in_depth, referential)

    def stored(self) -> rules.StoredResult:
        """The stored result as progress and recommendations read it."""
        return rules.stored_result(
            kind=self.kind,
            typology=self.typology,
            area_values=self.area_values,
            total=self.total,
            referential_version=self.referential_version,
            referential_hash=self.referential_hash,
            result=self.result,
        )


class AssessmentStatusChange(models.Model):
    """Who moved an assessment from one status to another, and when."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="status_changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_status_changes",
    )
    from_status = models.CharField(max_length=10, choices=AssessmentStatus.choices)
    to_status = models.CharField(max_length=10, choices=AssessmentStatus.choices)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.from_status} → {self.to_status}"
