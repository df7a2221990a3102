"""The equipment pool (« Pôle des ressources »): items a structure lends to the other
structures of its territory, and bookings of them.

A booking moves only through ``booking_actions.transition`` along ``ALLOWED_TRANSITIONS``;
each move leaves a ``BookingStatusChange``. Two active bookings of one item never overlap:
the actions check it under a lock, and on PostgreSQL the exclusion constraint
``pool_booking_no_overlap`` (migration 0002) is the backstop.

No data about the people the network supports lives here: notes are about equipment.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from aiguillage.organisations.models import Organisation
from aiguillage.pool import rules
from aiguillage.territories.models import Territory


def _list() -> list:
    return []


def photo_path(item: Item, filename: str) -> str:
    # A random name: the original one may carry anything; the extension is checked before.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"pool/photos/{uuid.uuid4().hex}.{suffix}"


class ItemCategory(models.TextChoices):
    TABLET = "tablette", "Tablettes"
    LAPTOP = "ordinateur", "Ordinateurs portables"
    CONNECTION = "connexion", "Connexion (clés 4G, routeurs)"
    PROJECTOR = "projection", "Vidéoprojecteur et écran"
    FABLAB = "fablab", "Fablab mobile"
    PHONE = "smartphone", "Smartphones"
    OTHER = "autre", "Autre matériel"


class ItemCondition(models.TextChoices):
    GOOD = "bon", "Bon état"
    WORN = "use", "Usé mais fonctionne"
    REPAIR = "a_reparer", "À réparer"
    BROKEN = "hors_service", "Hors service"


class ItemQuerySet(models.QuerySet):
    def in_territory(self, territory: Territory) -> ItemQuerySet:
        return self.filter(territory=territory)

    def for_organisation(self, organisation: Organisation) -> ItemQuerySet:
        return self.filter(organisation=organisation)

    def listed(self) -> ItemQuerySet:
        """Items shown in the catalogue: not withdrawn (lendable now or not)."""
        return self.filter(withdrawn_at__isnull=True)


class Item(models.Model):
    """A piece (or kit) of equipment a structure lends."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pool_items", verbose_name="structure"
    )
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="pool_items")
    name = models.CharField("nom", max_length=120)
    category = models.CharField("catégorie", max_length=20, choices=ItemCategory.choices)
    description = models.TextField("description", blank=True)
    condition = models.CharField(
        "état", max_length=20, choices=ItemCondition.choices, default=ItemCondition.GOOD
    )
    accessories = models.JSONField("accessoires", default=_list, blank=True)
    photo = models.FileField("photo", upload_to=photo_path, blank=True)
    is_available_for_loan = models.BooleanField("prêté en ce moment", default=True)
    withdrawn_at = models.DateTimeField("retiré du catalogue le", null=True, blank=True)
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pool_items_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "objet prêté"
        verbose_name_plural = "objets prêtés"
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=ItemCategory.values), name="pool_item_known_category"
            ),
            models.CheckConstraint(
                condition=Q(condition__in=ItemCondition.values), name="pool_item_known_condition"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_lendable(self) -> bool:
        return self.is_available_for_loan and self.withdrawn_at is None


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", "Demandée"
    APPROVED = "approved", "Acceptée"
    CHECKED_OUT = "checked_out", "Prêtée"
    RETURNED = "returned", "Rendue"
    DECLINED = "declined", "Refusée"
    CANCELLED = "cancelled", "Annulée"


S = BookingStatus
# Where each status may go. The owner answers, hands over and takes back; either side may
# cancel before the hand-over. Returned, declined and cancelled are final.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.APPROVED, S.DECLINED, S.CANCELLED}),
    S.APPROVED: frozenset({S.CHECKED_OUT, S.CANCELLED}),
    S.CHECKED_OUT: frozenset({S.RETURNED}),
    S.RETURNED: frozenset(),
    S.DECLINED: frozenset(),
    S.CANCELLED: frozenset(),
}
# Moves only the owner structure makes (cancelling is either side's).
OWNER_MOVES = frozenset({S.APPROVED, S.DECLINED, S.CHECKED_OUT, S.RETURNED})
# Bookings that hold the item's calendar: they may never overlap.
ACTIVE_STATUSES = frozenset({S.REQUESTED, S.APPROVED, S.CHECKED_OUT})
# Bookings that need the owner's attention: an answer, a hand-over, a return.
OPEN_STATUSES = ACTIVE_STATUSES


class BookingQuerySet(models.QuerySet):
    def active(self) -> BookingQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def overlapping(self, starts_at: dt.datetime, ends_at: dt.datetime) -> BookingQuerySet:
        """Half-open periods: a booking ending when another starts does not overlap it."""
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def late(self, now: dt.datetime | None = None) -> BookingQuerySet:
        return self.filter(status=S.CHECKED_OUT, ends_at__lt=now or timezone.now())

    def owned_by(self, organisation: Organisation) -> BookingQuerySet:
        return self.filter(owner_organisation=organisation)

    def borrowed_by(self, organisation: Organisation) -> BookingQuerySet:
        return self.filter(borrower_organisation=organisation)

    def in_territory(self, territory: Territory) -> BookingQuerySet:
        return self.filter(territory=territory)


class Booking(models.Model):
    """A structure borrows an item for [starts_at, ends_at)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="bookings")
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="pool_bookings")
    # Copied from the item at the request: who answers, even if the item changes hands.
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pool_loans"
    )
    borrower_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pool_borrowings"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pool_bookings"
    )
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    purpose = models.CharField("pour quoi faire", max_length=300, blank=True)
    status = models.CharField("état", max_length=12, choices=BookingStatus.choices)
    checked_out_at = models.DateTimeField("remis le", null=True, blank=True)
    checkout_condition = models.CharField(
        "état à la remise", max_length=20, choices=ItemCondition.choices, blank=True
    )
    returned_at = models.DateTimeField("rendu le", null=True, blank=True)
    return_condition = models.CharField(
        "état au retour", max_length=20, choices=ItemCondition.choices, blank=True
    )
    missing_accessories = models.JSONField("accessoires manquants", default=_list, blank=True)
    return_note = models.CharField("note au retour", max_length=300, blank=True)
    # The last reminder of a late return (at most one a day: reminder_actions).
    late_reminded_at = models.DateTimeField("retard rappelé le", null=True, blank=True)
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = "réservation de matériel"
        verbose_name_plural = "réservations de matériel"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="pool_booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=BookingStatus.values), name="pool_booking_known_status"
            ),
            # PostgreSQL also has pool_booking_no_overlap (an exclusion constraint, added by
            # migration 0002 only there: SQLite has no range types).
        ]
        indexes = [
            models.Index(fields=["item", "starts_at"], name="pool_booking_item_start"),
            models.Index(fields=["status", "ends_at"], name="pool_booking_status_end"),
        ]

    def __str__(self) -> str:
        return f"Réservation {self.public_id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_late(self) -> bool:
        return rules.is_late(
            is_checked_out=self.status == S.CHECKED_OUT, ends_at=self.ends_at, now=timezone.now()
        )


class BookingStatusChange(models.Model):
    """Every move of a booking: who, for which structure, when, from, to, note."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=12, choices=BookingStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=BookingStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pool_booking_changes",
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "changement d'une réservation"

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.from_status or '—'} → {self.to_status}"


def transition_problem(from_status: str, to_status: str) -> str | None:
    """None when ``ALLOWED_TRANSITIONS`` lets a booking go from one status to the other,
    else the French sentence that explains the refusal."""
    if to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        return None
    current = BookingStatus(from_status).label.lower()
    wanted = BookingStatus(to_status).label.lower()
    if from_status == to_status:
        return f"Cette réservation est déjà « {current} »."
    if not ALLOWED_TRANSITIONS.get(from_status):
        return f"Cette réservation est close (« {current} ») : elle ne peut plus changer."
    return f"Une réservation « {current} » ne peut pas devenir « {wanted} »."
