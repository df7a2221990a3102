"""Referrals (orientations): a structure sends a person to a place of another structure,
which answers, then says whether the person came and what was done.

The person's data stays in ``people``; a referral points to the person and holds the
need, the availability and the exchanges between the two structures. Statuses move
only through ``actions.transition`` along ``ALLOWED_TRANSITIONS``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from aiguillage.organisations.models import Organisation
from aiguillage.people.models import Consent, Person
from aiguillage.places.models import Place
from aiguillage.territories.models import Commune, Territory


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Envoyée"
    ACCEPTED = "accepted", "Acceptée"
    DECLINED = "declined", "Refusée"
    CAME = "came", "Personne venue"
    NO_SHOW = "no_show", "Personne pas venue"
    DONE = "done", "Accompagnement fait"
    REDIRECTED = "redirected", "Réorientée"
    EXPIRED = "expired", "Expirée sans réponse"
    CANCELLED = "cancelled", "Annulée"


S = ReferralStatus
# Where each status may go. A no-show can still get a new appointment, or turn out to
# have come late; every other end is final.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.SENT: frozenset({S.ACCEPTED, S.DECLINED, S.REDIRECTED, S.EXPIRED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.CAME, S.NO_SHOW, S.DECLINED, S.REDIRECTED, S.CANCELLED}),
    S.CAME: frozenset({S.DONE, S.REDIRECTED}),
    S.NO_SHOW: frozenset({S.ACCEPTED, S.CAME}),
    S.DECLINED: frozenset(),
    S.DONE: frozenset(),
    S.REDIRECTED: frozenset(),
    S.EXPIRED: frozenset(),
    S.CANCELLED: frozenset(),
}
# Inbox groups.
NEW_STATUSES = frozenset({S.SENT})
IN_PROGRESS_STATUSES = frozenset({S.ACCEPTED, S.CAME})
CLOSED_STATUSES = frozenset({S.DECLINED, S.NO_SHOW, S.DONE, S.REDIRECTED, S.EXPIRED, S.CANCELLED})
# Who moves a referral to each status: the receiving structure, the sender, or the
# scheduled command.
RECEIVER, SENDER, SYSTEM = "receiver", "sender", "system"
TRANSITION_SIDE: dict[str, str] = {
    S.ACCEPTED: RECEIVER,
    S.DECLINED: RECEIVER,
    S.CAME: RECEIVER,
    S.NO_SHOW: RECEIVER,
    S.DONE: RECEIVER,
    S.REDIRECTED: RECEIVER,
    S.CANCELLED: SENDER,
    S.EXPIRED: SYSTEM,
}


def _list() -> list:
    return []


class ReferralQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> ReferralQuerySet:
        """Referrals the organisation sent or received."""
        return self.filter(
            models.Q(sender_organisation=organisation)
            | models.Q(receiver_organisation=organisation)
        )

    def received_by(self, organisation: Organisation) -> ReferralQuerySet:
        return self.filter(receiver_organisation=organisation)

    def sent_by(self, organisation: Organisation) -> ReferralQuerySet:
        return self.filter(sender_organisation=organisation)

    def new(self) -> ReferralQuerySet:
        return self.filter(status__in=NEW_STATUSES)

    def in_progress(self) -> ReferralQuerySet:
        return self.filter(status__in=IN_PROGRESS_STATUSES)

    def closed(self) -> ReferralQuerySet:
        return self.filter(status__in=CLOSED_STATUSES)

    def in_territory(self, territory: Territory) -> ReferralQuerySet:
        return self.filter(territory=territory)


class Referral(models.Model):
    # Free text about the person, and the links to them (the person, and the consent that
    # points to the person): blanked by the anonymiser.
    PERSONAL_DATA_FIELDS = (
        "person",
        "consent",
        "procedure_name",
        "message",
        "response_message",
        "come_hours",
        "decline_note",
        "outcome_note",
    )

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    # The consent « orientation » the referral relies on, shown to the receiver.
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="referrals")
    sender_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    receiver_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_received"
    )
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="referrals")
    # A referral to a workshop (a cycle, or a session standing alone) rather than to the
    # place's opening hours: the organiser answers, and accepting enrols the person.
    cycle = models.ForeignKey(
        "workshops.Cycle", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    session = models.ForeignKey(
        "workshops.Session",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_referrals"
    )
    status = models.CharField(
        "état", max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    # Incremented by every change: a form posted with an older version is refused
    # instead of silently overwriting what a colleague did meanwhile.
    version = models.PositiveIntegerField(default=0)

    # --- The need ---
    needs = models.JSONField("besoins", default=_list, blank=True)
    services = models.JSONField("services demandés", default=_list, blank=True)
    procedure_domain = models.CharField("domaine de la démarche", max_length=40, blank=True)
    procedure_name = models.CharField("démarche à faire", max_length=200, blank=True)
    procedure_deadline = models.DateField("date limite de la démarche", null=True, blank=True)
    devices = models.JSONField("matériel de la personne", default=_list, blank=True)
    connection = models.CharField("internet à la maison", max_length=12, blank=True)
    # When the person can come, in OSM opening_hours syntax (« Tu,Th 14:00-18:00 »).
    availability = models.CharField("disponibilités", max_length=500, blank=True)
    languages = models.JSONField("langues", default=_list, blank=True)
    supports = models.JSONField("accompagnement adapté", default=_list, blank=True)
    max_distance_km = models.PositiveSmallIntegerField("distance maximale", null=True, blank=True)
    pathway = models.CharField("parcours", max_length=20, blank=True)
    message = models.TextField("message pour la structure", blank=True)
    origin_commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    match_reasons = models.JSONField("raisons du choix", default=_list, blank=True)
    first_slot_at = models.DateTimeField("premier créneau commun", null=True, blank=True)

    # --- The answer and the outcome ---
    appointment_at = models.DateTimeField("rendez-vous proposé", null=True, blank=True)
    come_hours = models.CharField("venir aux horaires suivants", max_length=200, blank=True)
    response_message = models.TextField("réponse de la structure", blank=True)
    decline_reason = models.CharField("motif du refus", max_length=20, blank=True)
    decline_note = models.TextField("précision sur le refus", blank=True)
    outcome_activities = models.JSONField("ce qui a été fait", default=_list, blank=True)
    outcome_autonomy = models.CharField("autonomie à l'issue", max_length=30, blank=True)
    outcome_note = models.TextField("remarque sur l'accompagnement", blank=True)

    answered_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField()
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "orientation"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReferralStatus.values), name="referral_known_status"
            ),
            models.CheckConstraint(
                condition=models.Q(cycle__isnull=True) | models.Q(session__isnull=True),
                name="referral_one_workshop_at_most",
            ),
        ]
        indexes = [
            models.Index(fields=["receiver_organisation", "status"], name="referral_inbox"),
            models.Index(fields=["sender_organisation", "status"], name="referral_outbox"),
            models.Index(fields=["status", "created_at"], name="referral_status_age"),
        ]

    def __str__(self) -> str:
        # Never the person's name: __str__ ends up in logs.
        return f"Orientation {self.public_id}"

    @property
    def is_new(self) -> bool:
        return self.status in NEW_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def workshop(self):
        """The cycle or stand-alone session the person is sent to, or None (a place)."""
        return self.cycle or self.session

    @property
    def person_name(self) -> str:
        if self.anonymised_at or self.person is None:
            return "Personne anonymisée"
        return self.person.display_name

    @property
    def person_first_name(self) -> str:
        if self.anonymised_at or self.person is None or self.person.anonymised_at:
            return ""
        return self.person.first_name


class ReferralStatusChange(models.Model):
    """Every transition: who, on behalf of which structure, when, from, to, with a note."""

    PERSONAL_DATA_FIELDS = ("note",)

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=12, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ReferralStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referral_changes",
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status or '—'} → {self.to_status}"


class UnmetNeed(models.Model):
    """A search for a referral that found no place: anonymous, it feeds the coverage analysis."""

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="unmet_needs")
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="unmet_needs"
    )
    organisation_kind = models.CharField(max_length=20, blank=True)
    needs = models.JSONField(default=_list, blank=True)
    services = models.JSONField(default=_list, blank=True)
    languages = models.JSONField(default=_list, blank=True)
    supports = models.JSONField(default=_list, blank=True)
    had_availability = models.BooleanField(default=False)
    max_distance_km = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "besoin sans lieu"

    def __str__(self) -> str:
        return f"Besoin sans lieu {self.pk} ({self.created_at:%Y-%m})"


def transition_problem(from_status: str, to_status: str) -> str | None:
    """None when ``ALLOWED_TRANSITIONS`` lets a referral go from one status to the other,
    else the French sentence that explains the refusal."""
    if to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        return None
    current = ReferralStatus(from_status).label.lower()
    wanted = ReferralStatus(to_status).label.lower()
    if not ALLOWED_TRANSITIONS.get(from_status):
        return (
            f"Cette orientation est close (« {current} ») : elle ne peut plus devenir « {wanted} »."
        )
    if from_status == to_status:
        return f"Cette orientation est déjà « {current} »."
    return f"Une orientation « {current} » ne peut pas devenir « {wanted} »."
