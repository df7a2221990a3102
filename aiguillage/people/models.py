"""People we support: the ONLY home of their personal data.

Minimal fields, explicit consent recorded, visible only to the organisations that
work with the person, every read and change journaled, random public ids in URLs.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from aiguillage.organisations.models import Organisation
from aiguillage.territories.models import Commune


class ContactPreference(models.TextChoices):
    PHONE = "telephone", "Par téléphone"
    EMAIL = "courriel", "Par courriel"
    THROUGH_PROFESSIONAL = "professionnel", "Par l'intermédiaire du professionnel"
    NONE = "aucun", "Ne pas contacter"


class PersonQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> PersonQuerySet:
        return self.filter(accesses__organisation=organisation).distinct()

    def active(self) -> PersonQuerySet:
        return self.filter(anonymised_at__isnull=True)


class Person(models.Model):
    # Fields holding personal data; the anonymiser blanks exactly these. Statistics need
    # none of them: a finished assessment keeps its own copy of the commune, a referral its
    # commune of departure.
    PERSONAL_DATA_FIELDS = (
        "first_name",
        "last_name",
        "birth_year",
        "commune",
        "contact_value",
        "languages",
        "notes",
    )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(
        "prénom ou initiales", max_length=60, help_text="Un prénom ou des initiales suffisent."
    )
    last_name = models.CharField("nom (facultatif)", max_length=80, blank=True)
    birth_year = models.PositiveSmallIntegerField("année de naissance", null=True, blank=True)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    contact_preference = models.CharField(
        "préférence de contact",
        max_length=15,
        choices=ContactPreference.choices,
        default=ContactPreference.THROUGH_PROFESSIONAL,
    )
    contact_value = models.CharField(
        "téléphone ou courriel",
        max_length=120,
        blank=True,
        help_text="Seulement si la personne veut être contactée directement.",
    )
    languages = models.JSONField("langues parlées", default=list, blank=True)
    notes = models.CharField("remarque utile à l'accompagnement", max_length=300, blank=True)
    created_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="people_created"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "personne accompagnée"
        verbose_name_plural = "personnes accompagnées"

    def __str__(self) -> str:
        # Never the name: __str__ ends up in logs and error reports.
        return f"Personne {self.public_id}"

    @property
    def display_name(self) -> str:
        if self.anonymised_at:
            return "Personne anonymisée"
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def has_consent(self) -> bool:
        return any(c.withdrawn_at is None for c in self.consents.all())


class PersonAccess(models.Model):
    """An organisation that works with the person, and so may see their data."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="accesses")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="person_accesses"
    )
    reason = models.CharField(max_length=100, default="création")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], name="one_access_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.person_id}"


class Consent(models.Model):
    """What was explained to the person, by whom, when; withdrawable."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purposes = models.JSONField("finalités acceptées", default=list)
    explained_text = models.TextField("ce qui a été expliqué")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consents_recorded"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"Consentement {self.pk}"
