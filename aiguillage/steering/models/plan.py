"""The actions of a plan version, their partners (joining and leaving), budget lines with
co-financers, targets per indicator, notes, and status changes along ``ACTION_TRANSITIONS``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from aiguillage.organisations.models import Organisation
from aiguillage.steering import rules
from aiguillage.steering.models.programme import Axis, PlanVersion
from aiguillage.steering.transitions import transition_problem
from aiguillage.territories.models import Commune


def _list() -> list:
    return []


class ActionKind(models.TextChoices):
    STRUCTURING = "structuring", "Projet structurant"
    TRAINING = "training", "Formation"
    LOCAL = "local", "Action locale"
    EVENT = "event", "Événement"


class ActionScale(models.TextChoices):
    NEIGHBOURHOOD = "neighbourhood", "Quartier"
    COMMUNE = "commune", "Commune"
    AGGLOMERATION = "agglomeration", "Agglomération"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    ONGOING = "ongoing", "En cours"
    DONE = "done", "Terminée"
    ABANDONED = "abandoned", "Abandonnée"


A = ActionStatus
# Where an action may go: it starts, then ends or is abandoned; an ended or abandoned action
# stays so (the next year's plan copies it afresh if it goes on).
ACTION_TRANSITIONS: dict[str, frozenset[str]] = {
    A.PLANNED: frozenset({A.ONGOING, A.ABANDONED}),
    A.ONGOING: frozenset({A.DONE, A.ABANDONED}),
    A.DONE: frozenset(),
    A.ABANDONED: frozenset(),
}


def action_transition_problem(from_status: str, to_status: str) -> str | None:
    return transition_problem(
        ACTION_TRANSITIONS, ActionStatus, from_status, to_status, noun="Cette action"
    )


class PlanAction(models.Model):
    """An action of one plan version. The same action across versions shares ``lineage``
    (a new version copies each action with a new row and the same lineage)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lineage = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="actions")
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="copies"
    )
    title = models.CharField("titre", max_length=200)
    description = models.TextField("description", blank=True)
    axis = models.ForeignKey(Axis, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField("type", max_length=12, choices=ActionKind.choices)
    lead_partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="steering_actions_led",
        verbose_name="chef de file",
    )
    scale = models.CharField("échelle", max_length=14, choices=ActionScale.choices)
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="steering_actions", verbose_name="communes concernées"
    )
    starts_on = models.DateField("début", null=True, blank=True)
    ends_on = models.DateField("fin", null=True, blank=True)
    status = models.CharField(
        "état", max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    eligible_expenses = models.DecimalField(
        "dépenses éligibles (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    drift_notes = models.TextField("écarts au dossier", blank=True)
    # What records count for this action (read by the indicators' catalogue): a list of
    # {"organisation": <Organisation id>, "workshop_kinds": [<WorkshopKind code>, ...]}; an
    # empty "workshop_kinds" means every workshop of that structure. docs/steering.md.
    sources = models.JSONField("sources des indicateurs", default=_list, blank=True)
    proposal = models.ForeignKey(
        "steering.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["axis__position", "axis__code", "title", "id"]
        verbose_name = "action du plan"
        verbose_name_plural = "actions du plan"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="plan_action_known_status"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="plan_action_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(eligible_expenses__isnull=True) | Q(eligible_expenses__gte=0),
                name="plan_action_expenses_not_negative",
            ),
            models.UniqueConstraint(
                fields=["plan_version", "lineage"], name="plan_action_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActionPartner(models.Model):
    """A partner of an action, with its role and when it joined and left (« some left in
    2019 »). The lead partner is ``PlanAction.lead_partner``, not a row here."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="steering_partnerships"
    )
    role = models.CharField("rôle", max_length=250, blank=True)
    joined_on = models.DateField("arrivée")
    left_on = models.DateField("départ", null=True, blank=True)
    leaving_reason = models.CharField("raison du départ", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["joined_on", "id"]
        verbose_name = "partenaire d'une action"
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="action_partner_leaves_after_joining",
            ),
            models.UniqueConstraint(
                fields=["action", "organisation"],
                condition=Q(left_on__isnull=True),
                name="action_partner_once_while_present",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} @ {self.action_id}"


class BudgetLine(models.Model):
    """What one co-financer puts into an action."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="budget_lines")
    financer = models.CharField("co-financeur", max_length=12, choices=rules.FINANCERS.items())
    financer_name = models.CharField("nom du co-financeur", max_length=120, blank=True)
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)
    note = models.CharField("précision", max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-amount", "id"]
        verbose_name = "ligne de budget"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.financer} {self.amount}"

    @property
    def financer_label(self) -> str:
        return rules.financer_label(self.financer, self.financer_name)


class ActionTarget(models.Model):
    """A target for one indicator (``rules.INDICATOR_CODES``) in one year."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="targets")
    indicator_code = models.CharField("indicateur", max_length=50)
    target_value = models.PositiveIntegerField("cible")
    year = models.PositiveSmallIntegerField("année")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "indicator_code"]
        verbose_name = "cible"
        constraints = [
            models.UniqueConstraint(
                fields=["action", "indicator_code", "year"], name="action_target_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.year}: {self.target_value}"

    @property
    def indicator_label(self) -> str:
        return rules.indicator_label(self.indicator_code)


class ActionNote(models.Model):
    """A note on an action, by a coordinator or a local referent (from their commune)."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="steering_notes"
    )
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("note")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "note sur une action"

    def __str__(self) -> str:
        return f"Note {self.pk} @ {self.action_id}"


class ActionStatusChange(models.Model):
    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=10, choices=ActionStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ActionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.from_status or '—'} → {self.to_status}"
