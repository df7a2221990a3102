"""Events of a territory's digital-inclusion network (« Connectons-nous ! », a launch
conference, a discovery day…): who organises them with which partners, for whom, and how
many people came, counted per audience after the event.

No personal data: attendance is a count per audience, never a list of people. Writes go
through ``actions``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from aiguillage.events import rules
from aiguillage.organisations.models import Organisation
from aiguillage.places.models import Place
from aiguillage.territories.models import Territory


def _list() -> list:
    return []


class EventKind(models.TextChoices):
    CONFERENCE = "conference", "Conférence"
    AWARENESS_DAY = "awareness_day", "Journée de sensibilisation"
    DISCOVERY_DAY = "discovery_day", "Journée découverte"
    FORUM = "forum", "Forum / salon"
    PROFESSIONAL_TRAINING = "professional_training", "Formation de professionnels"
    OTHER = "other", "Autre"


class EventStatus(models.TextChoices):
    PLANNED = "planned", "Prévu"
    HELD = "held", "A eu lieu"
    CANCELLED = "cancelled", "Annulé"


class EventQuerySet(models.QuerySet):
    def in_territory(self, territory: Territory) -> EventQuerySet:
        return self.filter(territory=territory)

    def for_organisation(self, organisation: Organisation) -> EventQuerySet:
        """Events the structure organises or is a partner of (no join: no duplicates)."""
        partnered = Event.partners.through.objects.filter(organisation=organisation)
        return self.filter(Q(organisation=organisation) | Q(pk__in=partnered.values("event_id")))

    def in_year(self, year: int, tz) -> EventQuerySet:
        """Events starting during ``year`` on the territory's wall clock."""
        start = dt.datetime(year, 1, 1, tzinfo=tz)
        return self.filter(starts_at__gte=start, starts_at__lt=start.replace(year=year + 1))

    def public_upcoming(
        self, territory: Territory, now: dt.datetime | None = None
    ) -> EventQuerySet:
        """What the public sees: published, not cancelled, not over yet, soonest first."""
        return self.filter(
            territory=territory,
            is_public=True,
            status=EventStatus.PLANNED,
            ends_at__gt=now or timezone.now(),
        ).order_by("starts_at", "id")


class Event(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="events", verbose_name="territoire"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name="structure qui organise",
    )
    kind = models.CharField("type", max_length=24, choices=EventKind.choices)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("présentation", blank=True)
    # Aware moments, stored in UTC, entered and shown in the territory's time zone.
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        # Places are merged, not deleted: an event keeps the place it was held at.
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name="lieu",
    )
    address = models.CharField("adresse", max_length=300, blank=True)
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_events", verbose_name="partenaires"
    )
    other_partners = models.CharField("autres partenaires", max_length=500, blank=True)
    audiences = models.JSONField("publics", default=_list, blank=True)
    is_public = models.BooleanField("publié sur la page publique", default=False)
    status = models.CharField(
        "état", max_length=12, choices=EventStatus.choices, default=EventStatus.PLANNED
    )
    cancel_reason = models.CharField("motif d'annulation", max_length=300, blank=True)
    attendance_recorded_at = models.DateTimeField("présences notées le", null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_attendances_recorded",
        verbose_name="présences notées par",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="events_created",
        verbose_name="créé par",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = "événement"
        verbose_name_plural = "événements"
        indexes = [
            # Lists and the territory's summary filter on the territory or structure and a year.
            models.Index(fields=["territory", "starts_at"], name="event_territory_start"),
            models.Index(fields=["organisation", "starts_at"], name="event_org_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            # Attendance recorded ⇔ the event was held.
            models.CheckConstraint(
                condition=Q(status=EventStatus.HELD, attendance_recorded_at__isnull=False)
                | (~Q(status=EventStatus.HELD) & Q(attendance_recorded_at__isnull=True)),
                name="event_held_iff_attendance",
            ),
        ]

    def __str__(self) -> str:
        return f"Événement « {self.title} »"

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_held(self) -> bool:
        return self.status == EventStatus.HELD

    @property
    def audience_labels(self) -> list[str]:
        return rules.labels(self.audiences, rules.AUDIENCES)

    def local_day(self) -> dt.date:
        """The event's day on the territory's wall clock."""
        return self.starts_at.astimezone(self.territory.tz).date()


class EventAttendance(models.Model):
    """How many people of one audience came to an event (only counts above zero are kept)."""

    event = models.ForeignKey(
        Event,
        # Counts exist only for their event.
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name="événement",
    )
    audience = models.CharField(
        "public", max_length=20, choices=list(rules.COUNT_AUDIENCES.items())
    )
    count = models.PositiveIntegerField("nombre de personnes")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event", "id"]
        verbose_name = "présence à un événement"
        verbose_name_plural = "présences aux événements"
        constraints = [
            models.UniqueConstraint(fields=["event", "audience"], name="event_attendance_once"),
            models.CheckConstraint(
                condition=Q(count__gte=1) & Q(count__lte=rules.MAX_COUNT),
                name="event_attendance_count_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} — {self.get_audience_display()}"
