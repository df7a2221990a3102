"""Workshops: a territory's catalogue of kinds, cycles (N sessions for one group), sessions
(in a cycle or stand-alone), enrolments with a waiting list, and attendance.

People's data stays in ``people``: an enrolment points to a ``Person`` (or counts an
anonymous participant by age bracket, commune and status, as La Coop does) and copies only
what statistics need. Enrolment statuses move only through ``actions.transition`` along
``ALLOWED_TRANSITIONS``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from aiguillage.organisations.models import Organisation
from aiguillage.people.models import Person
from aiguillage.places.models import Place
from aiguillage.territories.models import Commune, Territory
from aiguillage.workshops import rules


def _list() -> list:
    return []


class WorkshopSettings(models.Model):
    """What a territory decides for all its workshops (one row per territory, optional)."""

    territory = models.OneToOneField(
        Territory, on_delete=models.PROTECT, related_name="workshop_settings"
    )
    # A new cycle copies this value: changing it later never changes who completed a
    # cycle already planned (the computer gift depends on it).
    completion_threshold_percent = models.PositiveSmallIntegerField(
        "assiduité pour terminer un cycle (%)", default=rules.DEFAULT_COMPLETION_THRESHOLD
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "réglages des ateliers"
        verbose_name_plural = "réglages des ateliers"
        constraints = [
            models.CheckConstraint(
                condition=Q(completion_threshold_percent__gte=1)
                & Q(completion_threshold_percent__lte=100),
                name="workshop_settings_threshold_1_100",
            )
        ]

    def __str__(self) -> str:
        return f"Ateliers de {self.territory}"


class WorkshopKind(models.Model):
    """An entry of the territory's catalogue, mapped to the standard's services and La Coop's
    themes (so that sessions feed the place search and the activity statistics)."""

    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="workshop_kinds"
    )
    code = models.SlugField("code", max_length=50)
    label = models.CharField("nom", max_length=120)
    services = models.JSONField("services du standard", default=_list, blank=True)
    coop_themes = models.JSONField("thématiques La Coop", default=_list, blank=True)
    is_active = models.BooleanField("proposé", default=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = "type d'atelier"
        verbose_name_plural = "types d'ateliers"
        constraints = [
            models.UniqueConstraint(fields=["territory", "code"], name="workshop_kind_code")
        ]

    def __str__(self) -> str:
        return self.label


class Charter(models.Model):
    """A participant contract or charter, versioned: an enrolment keeps the version accepted."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="workshop_charters"
    )
    version = models.PositiveIntegerField()
    text = models.TextField("texte")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "-version"]
        verbose_name = "charte des participants"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="charter_version")
        ]

    def __str__(self) -> str:
        return f"Charte v{self.version} ({self.organisation_id})"


class CycleQuerySet(models.QuerySet):
    def in_territory(self, territory: Territory) -> CycleQuerySet:
        return self.filter(territory=territory)

    def for_organisation(self, organisation: Organisation) -> CycleQuerySet:
        return self.filter(organisation=organisation)

    def upcoming(self, now: dt.datetime | None = None) -> CycleQuerySet:
        """Cycles with a session still to start, annotated with ``next_start``, soonest first."""
        upcoming = Q(sessions__status="planned", sessions__starts_at__gt=now or timezone.now())
        return (
            self.annotate(next_start=models.Min("sessions__starts_at", filter=upcoming))
            .filter(next_start__isnull=False)
            .order_by("next_start", "id")
        )


class Cycle(models.Model):
    """N sessions for one group: people enrol in the cycle, not in each session."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="cycles")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cycles", verbose_name="structure"
    )
    kind = models.ForeignKey(
        WorkshopKind, on_delete=models.PROTECT, related_name="cycles", verbose_name="type"
    )
    title = models.CharField("titre", max_length=200)
    description = models.TextField("présentation", blank=True)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="cycles"
    )
    capacity = models.PositiveSmallIntegerField("places")
    audiences = models.JSONField("publics", default=_list, blank=True)
    is_free = models.BooleanField("gratuit", default=True)
    completion_threshold_percent = models.PositiveSmallIntegerField(
        "assiduité pour terminer (%)", default=rules.DEFAULT_COMPLETION_THRESHOLD
    )
    charter = models.ForeignKey(
        Charter, null=True, blank=True, on_delete=models.PROTECT, related_name="cycles"
    )
    is_published = models.BooleanField("publié", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cycles_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "cycle d'ateliers"
        verbose_name_plural = "cycles d'ateliers"
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="cycle_capacity_positive"),
            models.CheckConstraint(
                condition=Q(completion_threshold_percent__gte=1)
                & Q(completion_threshold_percent__lte=100),
                name="cycle_threshold_1_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Cycle « {self.title} »"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    CANCELLED = "cancelled", "Annulée"


class SessionQuerySet(models.QuerySet):
    def planned(self) -> SessionQuerySet:
        return self.filter(status=SessionStatus.PLANNED)

    def published(self) -> SessionQuerySet:
        """Sessions the public sees: published and not cancelled."""
        return self.planned().filter(is_published=True)

    def upcoming(self, now: dt.datetime | None = None) -> SessionQuerySet:
        """Sessions not over yet (one under way still counts), soonest first."""
        return self.filter(ends_at__gt=now or timezone.now()).order_by("starts_at", "id")

    def past(self, now: dt.datetime | None = None) -> SessionQuerySet:
        return self.filter(ends_at__lte=now or timezone.now()).order_by("-starts_at", "-id")

    def between(self, start: dt.datetime, end: dt.datetime) -> SessionQuerySet:
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def in_territory(self, territory: Territory) -> SessionQuerySet:
        return self.filter(territory=territory)

    def for_organisation(self, organisation: Organisation) -> SessionQuerySet:
        return self.filter(organisation=organisation)

    def at_place(self, place: Place) -> SessionQuerySet:
        return self.filter(place=place)

    def of_kind(self, kind: WorkshopKind) -> SessionQuerySet:
        return self.filter(kind=kind)

    def in_commune(self, insee_code: str) -> SessionQuerySet:
        return self.filter(place__code_insee=insee_code)

    def near(self, latitude: float, longitude: float, km: float) -> SessionQuerySet:
        """Sessions at a place within a box of ``km`` around the point (no GIS needed)."""
        from math import cos, radians

        dlat = km / 111.195
        dlon = km / (111.195 * max(cos(radians(latitude)), 0.01))
        return self.filter(
            place__latitude__gte=latitude - dlat,
            place__latitude__lte=latitude + dlat,
            place__longitude__gte=longitude - dlon,
            place__longitude__lte=longitude + dlon,
        )

    def facilitated_by(self, user) -> SessionQuerySet:
        return self.filter(facilitators=user)


class Session(models.Model):
    """One meeting: part of a cycle (``cycle`` set, seats counted on the cycle) or
    stand-alone (its own capacity and enrolments)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="sessions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sessions", verbose_name="structure"
    )
    cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    kind = models.ForeignKey(
        WorkshopKind, on_delete=models.PROTECT, related_name="sessions", verbose_name="type"
    )
    title = models.CharField("titre", max_length=200)
    description = models.TextField("présentation", blank=True)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    # Stand-alone sessions only: a cycle's seats are the cycle's.
    capacity = models.PositiveSmallIntegerField("places", null=True, blank=True)
    audiences = models.JSONField("publics", default=_list, blank=True)
    is_free = models.BooleanField("gratuit", default=True)
    status = models.CharField(
        "état", max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    is_published = models.BooleanField("publiée", default=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_sessions"
    )
    # The last move, to tell participants (« déplacée du mardi 6 au jeudi 8 »).
    previous_starts_at = models.DateTimeField(null=True, blank=True)
    moved_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField("motif de l'annulation", max_length=300, blank=True)
    roll_call_at = models.DateTimeField("appel fait le", null=True, blank=True)
    # Set when the reminder of the day before went out, so a rerun never sends it twice.
    reminder_sent_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    # A session that had already taken place when it was entered (« saisie a posteriori »):
    # nobody was told anything, and its figures come from the organiser's own sheet.
    recorded_afterwards = models.BooleanField("saisie après coup", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = "séance"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="session_known_status"
            ),
            models.CheckConstraint(
                condition=Q(cycle__isnull=False) | Q(capacity__gte=1),
                name="standalone_session_has_capacity",
            ),
        ]
        indexes = [
            models.Index(fields=["territory", "starts_at"], name="session_territory_start"),
            models.Index(fields=["organisation", "starts_at"], name="session_org_start"),
            models.Index(fields=["place", "starts_at"], name="session_place_start"),
        ]

    def __str__(self) -> str:
        return f"Séance « {self.title} » ({self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def target(self) -> Cycle | Session:
        """What people enrol in to come to this session."""
        return self.cycle if self.cycle_id else self


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Inscription confirmée"
    WAITING = "waiting", "Liste d'attente"
    CANCELLED = "cancelled", "Inscription annulée"
    COMPLETED = "completed", "Atelier suivi"
    INCOMPLETE = "incomplete", "Pas suivi jusqu'au bout"


E = EnrolmentStatus
# Where each status may go. A waiting person is promoted when a seat frees; once the
# cycle is over the roll calls decide « suivi » or not, and a corrected roll call may
# turn one into the other; a cancellation is final (a new enrolment starts afresh).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    E.ENROLLED: frozenset({E.CANCELLED, E.COMPLETED, E.INCOMPLETE}),
    E.WAITING: frozenset({E.ENROLLED, E.CANCELLED}),
    E.COMPLETED: frozenset({E.INCOMPLETE}),
    E.INCOMPLETE: frozenset({E.COMPLETED}),
    E.CANCELLED: frozenset(),
}
# Statuses that hold a seat, and those that keep a person from enrolling again.
SEAT_STATUSES = frozenset({E.ENROLLED, E.COMPLETED, E.INCOMPLETE})
ACTIVE_STATUSES = SEAT_STATUSES | {E.WAITING}
OPEN_STATUSES = frozenset({E.ENROLLED, E.WAITING})


class EnrolmentQuerySet(models.QuerySet):
    def completed(self) -> EnrolmentQuerySet:
        """Enrolments whose participant completed the cycle (or attended the stand-alone
        session): what other modules read, e.g. the refurbished-computer gift."""
        return self.filter(status=E.COMPLETED)

    def seated(self) -> EnrolmentQuerySet:
        return self.filter(status__in=SEAT_STATUSES)

    def waiting(self) -> EnrolmentQuerySet:
        return self.filter(status=E.WAITING).order_by("created_at", "id")

    def active(self) -> EnrolmentQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def for_person(self, person: Person) -> EnrolmentQuerySet:
        return self.filter(person=person)

    def for_target(self, target: Cycle | Session) -> EnrolmentQuerySet:
        if isinstance(target, Cycle):
            return self.filter(cycle=target)
        return self.filter(session=target)

    def prescribed_by(self, organisation: Organisation) -> EnrolmentQuerySet:
        return self.filter(prescriber_organisation=organisation)

    def in_territory(self, territory: Territory) -> EnrolmentQuerySet:
        return self.filter(territory=territory)


class Enrolment(models.Model):
    """A participant in a cycle or a stand-alone session: a person the prescriber follows,
    or an anonymous participant counted by age bracket, commune and status."""

    # The link to the person: removed by the anonymiser (the rest is statistics).
    PERSONAL_DATA_FIELDS = ("person",)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="enrolments")
    cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workshop_enrolments",
    )
    # Statistics, copied from the person at enrolment or given for an anonymous participant.
    age_bracket = models.CharField(
        "tranche d'âge", max_length=30, default=rules.UNKNOWN, choices=rules.AGE_BRACKETS.items()
    )
    social_status = models.CharField(
        "statut", max_length=20, default=rules.UNKNOWN, choices=rules.SOCIAL_STATUSES.items()
    )
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrolments"
    )
    status = models.CharField("état", max_length=12, choices=EnrolmentStatus.choices)
    prescriber_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="enrolments_prescribed"
    )
    # The referral that led here, when there is one (referrals depend on workshops, not
    # the reverse: no foreign key).
    referral_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments_made"
    )
    charter = models.ForeignKey(
        Charter, null=True, blank=True, on_delete=models.PROTECT, related_name="acceptances"
    )
    charter_accepted_at = models.DateTimeField("charte acceptée le", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "inscription"
        constraints = [
            models.CheckConstraint(
                condition=(Q(cycle__isnull=False) & Q(session__isnull=True))
                | (Q(cycle__isnull=True) & Q(session__isnull=False)),
                name="enrolment_one_target",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EnrolmentStatus.values), name="enrolment_known_status"
            ),
            # A person is enrolled (or waiting) once per cycle and per session.
            models.UniqueConstraint(
                fields=["person", "cycle"],
                condition=Q(status__in=sorted(ACTIVE_STATUSES), person__isnull=False),
                name="one_active_enrolment_per_cycle",
            ),
            models.UniqueConstraint(
                fields=["person", "session"],
                condition=Q(status__in=sorted(ACTIVE_STATUSES), person__isnull=False),
                name="one_active_enrolment_per_session",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "status"], name="enrolment_cycle_status"),
            models.Index(fields=["session", "status"], name="enrolment_session_status"),
        ]

    def __str__(self) -> str:
        # Never the person's name: __str__ ends up in logs.
        return f"Inscription {self.public_id}"

    @property
    def target(self) -> Cycle | Session:
        return self.cycle if self.cycle_id else self.session  # type: ignore[return-value]

    @property
    def is_anonymous(self) -> bool:
        return self.person_id is None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class EnrolmentStatusChange(models.Model):
    """Every transition of an enrolment: who, for which structure, when, from, to, note."""

    PERSONAL_DATA_FIELDS = ("note",)

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=12, choices=EnrolmentStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=EnrolmentStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolment_changes",
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.from_status or '—'} → {self.to_status}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Présent"
    EXCUSED = "excused", "Excusé"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    """The roll call of one participant at one session (émargement)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="attendances")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendances_recorded"
    )
    recorded_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "id"]
        verbose_name = "présence"
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "session"], name="one_mark_per_session"),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_known_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} @ {self.session_id}: {self.status}"


def transition_problem(from_status: str, to_status: str) -> str | None:
    """None when ``ALLOWED_TRANSITIONS`` lets an enrolment go from one status to the other,
    else the French sentence that explains the refusal."""
    if to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        return None
    current = EnrolmentStatus(from_status).label.lower()
    wanted = EnrolmentStatus(to_status).label.lower()
    if from_status == to_status:
        return f"Cette inscription est déjà « {current} »."
    if not ALLOWED_TRANSITIONS.get(from_status):
        return f"Cette inscription est close (« {current} ») : elle ne peut plus changer."
    return f"Une inscription « {current} » ne peut pas devenir « {wanted} »."


def coming_workshops(
    territory: Territory, condition: Q, *, now: dt.datetime, limit: int = 30
) -> tuple[list[Cycle], list[Session]]:
    """A territory's cycles and stand-alone sessions still to come that meet ``condition``
    (on the cycle or the session), soonest first: what a professional picks from for a person."""
    cycles = (
        Cycle.objects.in_territory(territory)
        .filter(condition)
        .upcoming(now)
        .select_related("place", "organisation", "kind")[:limit]
    )
    sessions = (
        Session.objects.in_territory(territory)
        .planned()
        .filter(condition, cycle__isnull=True, starts_at__gt=now)
        .select_related("place", "organisation", "kind")
        .order_by("starts_at")[:limit]
    )
    return list(cycles), list(sessions)


class SessionHeadcount(models.Model):
    """People counted at a session without being enrolled one by one: a class of pupils,
    the parents of an information meeting. Only a number per audience, never a name."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="headcounts")
    audience = models.CharField("public", max_length=20)
    count = models.PositiveIntegerField("nombre de participants")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "audience"]
        verbose_name = "participants comptés"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "audience"], name="one_headcount_per_audience"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.count} {self.audience}"


# --- Participants' satisfaction (« Avis des participants ») ---------------------------------


class SatisfactionScale(models.TextChoices):
    A_LOT = "beaucoup", "Oui, beaucoup"
    A_LITTLE = "un_peu", "Un peu"
    NOT_REALLY = "pas_vraiment", "Pas vraiment"


class LearningWish(models.TextChoices):
    YES = "oui", "Oui"
    NO = "non", "Non"
    UNSURE = "ne_sait_pas", "Je ne sais pas"


class SatisfactionChannel(models.TextChoices):
    LINK = "lien", "Lien ou QR code"
    TABLET = "tablette", "Tablette de l'animateur"


class SatisfactionLink(models.Model):
    """The public address of a session's satisfaction form (shown as a QR code), opened by
    the organiser: an unguessable token, closed 14 days after the session."""

    session = models.OneToOneField(
        Session, on_delete=models.PROTECT, related_name="satisfaction_link"
    )
    token = models.CharField(max_length=64, unique=True)
    closes_at = models.DateTimeField("fermé le")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "lien du questionnaire d'avis"
        verbose_name_plural = "liens du questionnaire d'avis"

    def __str__(self) -> str:
        # Never the token: __str__ ends up in logs.
        return f"Avis de la séance {self.session_id}"


class SatisfactionResponse(models.Model):
    """One participant's anonymous answers: no person, no IP address, no browser detail.
    Shown only as counts masked under 5 (``workshops.satisfaction``)."""

    # Free text: the form asks for nothing personal, but a participant may write a name.
    PERSONAL_DATA_FIELDS = ("comment",)

    link = models.ForeignKey(SatisfactionLink, on_delete=models.PROTECT, related_name="responses")
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="satisfaction_responses"
    )
    cycle = models.ForeignKey(
        Cycle,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="satisfaction_responses",
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="satisfaction_responses"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="satisfaction_responses"
    )
    channel = models.CharField(max_length=10, choices=SatisfactionChannel.choices)
    useful = models.CharField(
        "L'atelier vous a été utile ?", max_length=15, choices=SatisfactionScale.choices
    )
    clear = models.CharField(
        "Les explications étaient claires ?", max_length=15, choices=SatisfactionScale.choices
    )
    at_ease = models.CharField(
        "Vous vous sentez plus à l'aise avec le numérique ?",
        max_length=15,
        choices=SatisfactionScale.choices,
    )
    wants_more = models.CharField(
        "Vous voulez continuer à apprendre ?", max_length=15, choices=LearningWish.choices
    )
    comment = models.CharField("Un mot de plus ?", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "avis d'un participant"
        verbose_name_plural = "avis des participants"
        constraints = [
            models.CheckConstraint(
                condition=Q(useful__in=SatisfactionScale.values)
                & Q(clear__in=SatisfactionScale.values)
                & Q(at_ease__in=SatisfactionScale.values)
                & Q(wants_more__in=LearningWish.values)
                & Q(channel__in=SatisfactionChannel.values),
                name="satisfaction_known_answers",
            ),
        ]

    def __str__(self) -> str:
        return f"Avis {self.pk} (séance {self.session_id})"
