"""Every accompaniment recorded (« compte rendu d'activité »): typed by a mediator in a few
seconds, or derived from a referral outcome, a workshop attendance or a La Coop export.

Statistics read only these rows; the link to a person's file is optional, never required,
and cut when the person is anonymised (``activities.apps``)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from aiguillage.activities import rules
from aiguillage.organisations.models import Organisation
from aiguillage.people.models import Person
from aiguillage.places.models import Place
from aiguillage.territories.models import Commune, Territory


class ActivityKind(models.TextChoices):
    INDIVIDUAL = "individual", "Accompagnement individuel"
    COLLECTIVE = "collective", "Atelier collectif"
    QUICK = "quick", "Réponse rapide"


class HowDone(models.TextChoices):
    DONE_FOR = "done_for", "Fait pour la personne"
    DONE_WITH = "done_with", "Fait avec la personne"
    DONE_ALONE = "done_alone", "Fait par la personne seule"


class Autonomy(models.TextChoices):
    YES = "yes", "Oui"
    PARTLY = "partly", "En partie"
    NO = "no", "Non"


class FollowUp(models.TextChoices):
    """What comes next (the national « accompagnement » keys: individuel, atelier, redirection)."""

    INDIVIDUAL = "individual", "Revenir en accompagnement individuel"
    WORKSHOP = "workshop", "Participer à un atelier"
    REDIRECTED = "redirected", "Orientée vers une autre structure"


class ActivitySource(models.TextChoices):
    TYPED = "typed", "Saisi"
    REFERRAL = "referral", "Orientation (personne venue)"
    ATTENDANCE = "attendance", "Présence à un atelier"
    IMPORT = "import", "Import La Coop"


class ActivityRecordQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> ActivityRecordQuerySet:
        return self.filter(organisation=organisation)

    def in_territory(self, territory: Territory) -> ActivityRecordQuerySet:
        return self.filter(organisation__territory=territory)

    def between(self, start, end) -> ActivityRecordQuerySet:
        return self.filter(occurred_on__gte=start, occurred_on__lte=end)

    def with_theme(self, code: str) -> ActivityRecordQuerySet:
        bit = rules.THEME_BITS[code]
        return self.alias(_theme=models.F("themes_mask").bitand(bit)).filter(_theme__gt=0)


class ActivityRecord(models.Model):
    # The link to a person's file; cut (set to null) when the person is anonymised.
    PERSONAL_DATA_FIELDS = ("person",)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="activity_records",
        verbose_name="structure",
    )
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        # A place removed from the directory leaves its accompaniments counted, without it.
        on_delete=models.SET_NULL,
        related_name="activity_records",
        verbose_name="lieu",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activity_records",
        verbose_name="noté par",
    )
    occurred_on = models.DateField("date")
    kind = models.CharField(
        "type", max_length=12, choices=ActivityKind.choices, default=ActivityKind.INDIVIDUAL
    )
    themes = models.JSONField("thèmes", default=list)
    # The themes again, one bit per code of rules.THEMES: counted and filtered in SQL with a
    # bitwise AND (docs/activities.md). Kept equal to ``themes`` by ``save``.
    themes_mask = models.IntegerField(default=0, editable=False)
    procedure_domain = models.CharField(
        "démarche pour", max_length=12, blank=True, choices=list(rules.PROCEDURE_DOMAINS.items())
    )
    how = models.CharField(
        "comment", max_length=12, choices=HowDone.choices, default=HowDone.DONE_WITH
    )
    autonomy_after = models.CharField(
        "autonome à l'issue", max_length=8, blank=True, choices=Autonomy.choices
    )
    follow_up = models.CharField(
        "suite proposée", max_length=12, blank=True, choices=FollowUp.choices
    )
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", default=30)
    participants = models.PositiveIntegerField("nombre de personnes", default=1)
    age_bracket = models.CharField(
        "tranche d'âge",
        max_length=12,
        choices=list(rules.AGE_BRACKETS.items()),
        default=rules.NOT_GIVEN,
    )
    status = models.CharField(
        "situation", max_length=12, choices=list(rules.STATUSES.items()), default=rules.NOT_GIVEN
    )
    commune = models.ForeignKey(
        Commune,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity_records",
        verbose_name="commune de la personne",
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity_records",
        verbose_name="fiche de la personne",
    )
    source = models.CharField(
        "origine", max_length=12, choices=ActivitySource.choices, default=ActivitySource.TYPED
    )
    # The id of what the record comes from (a referral, an attendance, an imported row).
    source_ref = models.CharField("référence d'origine", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name = "accompagnement"
        verbose_name_plural = "accompagnements"
        indexes = [
            # Every list and statistic filters on the structure(s) and a period.
            models.Index(fields=["organisation", "occurred_on"], name="activity_org_day"),
            # « Personnes différentes » counts the files of a period: an index-only scan of
            # the few records linked to one.
            models.Index(
                fields=["organisation", "occurred_on", "person"],
                condition=models.Q(person__isnull=False),
                name="activity_org_day_person",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participants__gte=1), name="activity_participants_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(participants__lte=rules.MAX_PARTICIPANTS),
                name="activity_participants_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    duration_minutes__gte=rules.MIN_DURATION,
                    duration_minutes__lte=rules.MAX_DURATION,
                ),
                name="activity_duration_bounded",
            ),
            # An individual accompaniment is one person.
            models.CheckConstraint(
                condition=~models.Q(kind=ActivityKind.INDIVIDUAL) | models.Q(participants=1),
                name="activity_individual_is_one_person",
            ),
            # « Hétérogène » describes a group.
            models.CheckConstraint(
                condition=~models.Q(status=rules.HETEROGENEOUS)
                | models.Q(kind=ActivityKind.COLLECTIVE),
                name="activity_heterogeneous_is_collective",
            ),
            # At least one theme, and only known ones.
            models.CheckConstraint(
                condition=models.Q(themes_mask__gte=1, themes_mask__lte=rules.ALL_THEMES_MASK),
                name="activity_themes_mask_valid",
            ),
            # Typed records have no reference; derived ones always have one, and only once.
            models.CheckConstraint(
                condition=models.Q(source=ActivitySource.TYPED, source_ref="")
                | (~models.Q(source=ActivitySource.TYPED) & ~models.Q(source_ref="")),
                name="activity_source_ref_iff_derived",
            ),
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~models.Q(source=ActivitySource.TYPED),
                name="activity_derived_once",
            ),
        ]

    def __str__(self) -> str:
        # Never the person: __str__ ends up in logs and the admin.
        return f"Accompagnement {self.public_id} du {self.occurred_on:%d/%m/%Y}"

    def save(self, *args, **kwargs) -> None:
        self.themes = rules.ordered_themes(self.themes)
        self.themes_mask = rules.themes_mask(self.themes)
        super().save(*args, **kwargs)

    @property
    def theme_labels(self) -> list[str]:
        return [rules.THEMES[code] for code in self.themes if code in rules.THEMES]

    @property
    def duration_label(self) -> str:
        return rules.duration_label(self.duration_minutes)

    @property
    def is_derived(self) -> bool:
        return self.source in (ActivitySource.REFERRAL, ActivitySource.ATTENDANCE)
