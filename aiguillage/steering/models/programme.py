"""A territory's programme, its axes (versioned rows) and its annual action plans (dated
versions moving along ``PLAN_TRANSITIONS``)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from aiguillage.steering.transitions import transition_problem
from aiguillage.territories.models import Territory


class Programme(models.Model):
    """« Stratégie d'inclusion numérique 2017–2020 »: one per territory for now."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    territory = models.OneToOneField(
        Territory, on_delete=models.PROTECT, related_name="steering_programme"
    )
    title = models.CharField("titre", max_length=200)
    description = models.TextField("présentation", blank=True)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin", null=True, blank=True)
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "programme"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="programme_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AxisQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> AxisQuerySet:
        """The rows in force on ``day``: one per code (renaming closes a row, opens another)."""
        return self.filter(valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )

    def current(self) -> AxisQuerySet:
        return self.filter(valid_until__isnull=True)


class Axis(models.Model):
    """One version of an axis. Renaming closes this row (``valid_until``) and opens a new one
    with the same ``code``; retiring only closes it. Actions keep the row they were filed
    under, so the past never changes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="axes")
    code = models.CharField("code", max_length=20)
    title = models.CharField("intitulé", max_length=250)
    description = models.TextField("description", blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    valid_from = models.DateField("en vigueur depuis le")
    valid_until = models.DateField("en vigueur jusqu'au", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AxisQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code", "valid_from"]
        verbose_name = "axe"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code", "valid_from"], name="axis_one_row_per_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="axis_validity_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def is_current(self) -> bool:
        return self.valid_until is None


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposé"
    APPROVED = "approved", "Approuvé"
    DONE = "done", "Clos"
    SUPERSEDED = "superseded", "Remplacé"
    WITHDRAWN = "withdrawn", "Retiré"


P = PlanStatus
# Where a plan version may go. A proposed version is approved by a committee's decision (or
# withdrawn); an approved one is closed at the end of its year, or replaced when a later
# version of the same year is approved. Closed, replaced and withdrawn versions never move.
PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    P.PROPOSED: frozenset({P.APPROVED, P.WITHDRAWN}),
    P.APPROVED: frozenset({P.DONE, P.SUPERSEDED}),
    P.DONE: frozenset(),
    P.SUPERSEDED: frozenset(),
    P.WITHDRAWN: frozenset(),
}


def plan_transition_problem(from_status: str, to_status: str) -> str | None:
    return transition_problem(PLAN_TRANSITIONS, PlanStatus, from_status, to_status, noun="Ce plan")


class PlanVersion(models.Model):
    """One dated version of a year's action plan. Only a proposed version is edited; an
    approved one changes through a new version (which copies its actions)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="plan_versions")
    year = models.PositiveSmallIntegerField("année")
    number = models.PositiveSmallIntegerField("version")
    status = models.CharField(
        "état", max_length=12, choices=PlanStatus.choices, default=PlanStatus.PROPOSED
    )
    dated_on = models.DateField("date de la version")
    summary = models.TextField("ce qui change", blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="copies"
    )
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = "version du plan d'actions"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "number"], name="plan_version_number"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="plan_version_known_status"
            ),
        ]

    def __str__(self) -> str:
        return f"Plan d'actions {self.year} (version {self.number})"

    @property
    def is_editable(self) -> bool:
        return self.status == PlanStatus.PROPOSED

    @property
    def is_followed(self) -> bool:
        """Execution is followed (actions' status, partners leaving, drift notes)."""
        return self.status in (PlanStatus.PROPOSED, PlanStatus.APPROVED)


class PlanVersionStatusChange(models.Model):
    """Every step of a plan version: who, when, from, to, and the decision behind it."""

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=12, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=PlanStatus.choices)
    decision = models.ForeignKey(
        "steering.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.plan_version_id}: {self.from_status or '—'} → {self.to_status}"
