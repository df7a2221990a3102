"""Organisations (structures) of the network and how they join a territory."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from aiguillage.territories.models import Territory


class OrganisationKind(models.TextChoices):
    SOCIAL = "social", "Action sociale"
    DIGITAL = "numerique", "Médiation numérique"
    PUBLIC_SERVICE = "service_public", "Service public"
    LIBRARY = "bibliotheque", "Bibliothèque / médiathèque"
    ASSOCIATION = "association", "Association"
    LOCAL_AUTHORITY = "collectivite", "Collectivité"
    OTHER = "autre", "Autre"


class Organisation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type de structure", max_length=20, choices=OrganisationKind.choices)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    email = models.EmailField("courriel de contact", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    territory = models.ForeignKey(
        Territory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name="territoire",
    )
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "structure"

    def __str__(self) -> str:
        return self.name


class JoinStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    ACCEPTED = "accepted", "Acceptée"
    DECLINED = "declined", "Refusée"


class JoinKind(models.TextChoices):
    REQUEST = "request", "Demande de la structure"
    INVITATION = "invitation", "Invitation du territoire"


class TerritoryJoinRequest(models.Model):
    """A structure asks to join a territory, or the coordinator invites it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_requests"
    )
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="join_requests")
    kind = models.CharField(max_length=12, choices=JoinKind.choices)
    status = models.CharField(max_length=10, choices=JoinStatus.choices, default=JoinStatus.PENDING)
    message = models.TextField("message", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="join_requests_created"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="join_requests_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "territory"],
                condition=models.Q(status="pending"),
                name="one_pending_join_per_organisation_and_territory",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.territory} ({self.get_status_display()})"
