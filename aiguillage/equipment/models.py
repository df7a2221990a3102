"""Refurbished computers: a territory's programme (Ordi'Pratique in Grand Chambéry), its
donors and their collections, the devices and their one state machine from collection to
the person's home, the exchanges with the refurbisher, and the gift of a device to a person
(« attribution »).

Devices move only through ``device_actions.move`` along ``DEVICE_TRANSITIONS``; gifts only
through ``allocation_actions`` along ``ALLOCATION_TRANSITIONS``. People's data stays in
``people``: an allocation points to a ``Person`` and copies only what statistics need (the
commune code), never an income document: criteria are recorded as yes or no.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from aiguillage.organisations.models import Organisation
from aiguillage.people.models import Person
from aiguillage.territories.models import Territory
from aiguillage.workshops.models import Enrolment, WorkshopKind


def _list() -> list:
    return []


def _dict() -> dict:
    return {}


# --- Programme ----------------------------------------------------------------------------


class PartnerRole(models.TextChoices):
    COLLECTION = "collecte", "Collecte"
    REFURBISHING = "reconditionnement", "Reconditionnement"
    TRAINING = "formation", "Formation"
    GIFT = "remise", "Remise et installation"


class Programme(models.Model):
    """A refurbished-computer programme run by partners of one territory."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="computer_programmes"
    )
    name = models.CharField("nom", max_length=120)
    lead = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="computer_programmes_led",
        verbose_name="structure porteuse",
    )
    description = models.TextField("description", blank=True)
    # Eligibility, as the territory sets it. The two first are checked from the records
    # (the latest screening's device answer, a completed cycle); the others are questions
    # the professional answers yes or no, never with the documents.
    requires_no_device = models.BooleanField("pas d'ordinateur à la maison", default=True)
    requires_completed_cycle = models.BooleanField("un cycle d'ateliers terminé", default=True)
    cycle_kinds = models.ManyToManyField(
        WorkshopKind,
        blank=True,
        related_name="computer_programmes",
        verbose_name="ateliers qui comptent (tous si aucun)",
    )
    extra_criteria = models.JSONField("autres critères (oui ou non)", default=_list, blank=True)
    contract_text = models.TextField("texte du contrat de don", blank=True)
    receipt_prefix = models.CharField("préfixe des reçus", max_length=20, default="DON")
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "programme d'ordinateurs reconditionnés"
        verbose_name_plural = "programmes d'ordinateurs reconditionnés"

    def __str__(self) -> str:
        return self.name


class ProgrammePartner(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="computer_programme_roles"
    )
    roles = models.JSONField("rôles", default=_list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "partenaire du programme"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation"], name="one_partner_row_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.programme_id}"


# --- Donors and collections ---------------------------------------------------------------


class DonorKind(models.TextChoices):
    COMPANY = "entreprise", "Entreprise"
    LOCAL_AUTHORITY = "collectivite", "Collectivité"
    PUBLIC_BODY = "organisme_public", "Établissement ou organisme public"
    ASSOCIATION = "association", "Association"
    OTHER = "autre", "Autre"


class Donor(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="donors")
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=DonorKind.choices)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    address = models.CharField("adresse", max_length=300, blank=True)
    notes = models.CharField("remarque", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "donateur"
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="donor_name_per_programme")
        ]

    def __str__(self) -> str:
        return self.name


class DonorContact(models.Model):
    """A person to reach at the donor (a professional contact, not a person we support)."""

    donor = models.ForeignKey(Donor, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("nom", max_length=120)
    role = models.CharField("fonction", max_length=120, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "contact du donateur"

    def __str__(self) -> str:
        return f"Contact {self.pk} of donor {self.donor_id}"


class ItemType(models.TextChoices):
    LAPTOP = "portable", "Ordinateur portable"
    DESKTOP = "fixe", "Ordinateur fixe (unité centrale)"
    SCREEN = "ecran", "Écran"
    TABLET = "tablette", "Tablette"
    PHONE = "smartphone", "Smartphone"
    PRINTER = "imprimante", "Imprimante"
    PERIPHERAL = "peripherique", "Clavier, souris, câbles"
    OTHER = "autre", "Autre"


class Collection(models.Model):
    """One pick-up at a donor: when, by which partner, what and how many."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="collections")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="collections")
    collected_on = models.DateField("date de la collecte")
    collected_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="computer_collections",
        verbose_name="partenaire qui collecte",
    )
    # Given once by ``collection_actions.record_collection``: « DON-2017-0004 ».
    receipt_number = models.CharField("numéro du reçu", max_length=40)
    notes = models.CharField("remarque", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-collected_on", "-id"]
        verbose_name = "collecte"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "receipt_number"], name="receipt_number_per_programme"
            )
        ]

    def __str__(self) -> str:
        return f"Collecte {self.receipt_number}"


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    item_type = models.CharField("matériel", max_length=20, choices=ItemType.choices)
    quantity = models.PositiveIntegerField("quantité")
    description = models.CharField("précisions", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "matériel collecté"
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="collection_item_quantity_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item_type}"


# --- Exchanges with the refurbisher -------------------------------------------------------


class ExchangeDirection(models.TextChoices):
    GIVEN = "donne", "Matériel remis au reconditionneur"
    RECEIVED = "recu", "Ordinateurs reconditionnés reçus"


class Exchange(models.Model):
    """Equipment handed to a refurbisher, or refurbished computers received from it: the
    balance per partner is what was given against what came back."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="exchanges")
    partner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="computer_exchanges"
    )
    direction = models.CharField("sens", max_length=5, choices=ExchangeDirection.choices)
    on = models.DateField("date")
    quantity = models.PositiveIntegerField("nombre d'appareils")
    description = models.CharField("précisions", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = "échange avec le reconditionneur"
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="exchange_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"Échange {self.pk}"


# --- Devices ------------------------------------------------------------------------------


class DeviceState(models.TextChoices):
    COLLECTED = "collecte", "Collecté"
    DIAGNOSED = "diagnostique", "Diagnostiqué"
    ERASED = "efface", "Données effacées"
    REFURBISHED = "reconditionne", "Reconditionné"
    READY = "pret", "Prêt à donner"
    RESERVED = "reserve", "Réservé pour une personne"
    HANDED_OVER = "remis", "Remis (contrat signé)"
    INSTALLED = "installe", "Installé à domicile"
    RECYCLED = "recycle", "Recyclé"


D = DeviceState
# The one table of device moves. A reservation can be cancelled (back to ready); every
# other move goes forward. Recycling is possible until the device is promised to someone.
DEVICE_TRANSITIONS: dict[str, frozenset[str]] = {
    D.COLLECTED: frozenset({D.DIAGNOSED, D.RECYCLED}),
    D.DIAGNOSED: frozenset({D.ERASED, D.RECYCLED}),
    D.ERASED: frozenset({D.REFURBISHED, D.RECYCLED}),
    D.REFURBISHED: frozenset({D.READY, D.RECYCLED}),
    D.READY: frozenset({D.RESERVED, D.RECYCLED}),
    D.RESERVED: frozenset({D.READY, D.HANDED_OVER}),
    D.HANDED_OVER: frozenset({D.INSTALLED}),
    D.INSTALLED: frozenset(),
    D.RECYCLED: frozenset(),
}
# States a device can only be in once its data erasure is recorded (the « gate »): the
# database refuses a row in one of them without the method, the certificate and the date.
AFTER_ERASURE = (D.ERASED, D.REFURBISHED, D.READY, D.RESERVED, D.HANDED_OVER, D.INSTALLED)
IN_STOCK = (D.COLLECTED, D.DIAGNOSED, D.ERASED, D.REFURBISHED, D.READY, D.RESERVED)
GONE = (D.HANDED_OVER, D.INSTALLED, D.RECYCLED)


class ErasureMethod(models.TextChoices):
    NIST_PURGE = "nist_purge", "NIST 800-88 « purge » (effacement sécurisé du disque)"
    NIST_CLEAR = "nist_clear", "NIST 800-88 « clear » (réécriture complète)"
    CRYPTO = "crypto", "Effacement cryptographique"
    DESTROYED = "destruction", "Disque détruit et remplacé"


class Grade(models.TextChoices):
    A = "A", "A — comme neuf"
    B = "B", "B — traces d'usage"
    C = "C", "C — marques visibles, fonctionne bien"


class DeviceQuerySet(models.QuerySet):
    def in_stock(self) -> DeviceQuerySet:
        return self.filter(state__in=IN_STOCK)

    def of_programme(self, programme: Programme) -> DeviceQuerySet:
        return self.filter(programme=programme)


class Device(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="devices")
    collection = models.ForeignKey(
        Collection,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="devices",
        verbose_name="collecte d'origine",
    )
    exchange = models.ForeignKey(
        Exchange,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="devices",
        verbose_name="reçu du reconditionneur",
    )
    device_type = models.CharField("type", max_length=20, choices=ItemType.choices)
    brand = models.CharField("marque", max_length=60, blank=True)
    model_name = models.CharField("modèle", max_length=100, blank=True)
    serial_number = models.CharField("numéro de série", max_length=80, blank=True)
    cpu = models.CharField("processeur", max_length=100, blank=True)
    ram_gb = models.PositiveSmallIntegerField("mémoire vive (Go)", null=True, blank=True)
    storage_gb = models.PositiveIntegerField("stockage (Go)", null=True, blank=True)
    screen_inches = models.DecimalField(
        "écran (pouces)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    grade = models.CharField("grade", max_length=1, choices=Grade.choices, blank=True)
    state = models.CharField(
        "état", max_length=15, choices=DeviceState.choices, default=DeviceState.COLLECTED
    )
    state_changed_at = models.DateTimeField("état depuis le")
    # Data erasure: the ORDI 3.0 label's traceability (method, certificate, who, when).
    erasure_method = models.CharField(
        "méthode d'effacement", max_length=15, choices=ErasureMethod.choices, blank=True
    )
    erasure_certificate = models.CharField("certificat d'effacement", max_length=200, blank=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    erased_at = models.DateTimeField("effacé le", null=True, blank=True)
    operating_system = models.CharField("système installé", max_length=100, blank=True)
    software = models.CharField("logiciels installés", max_length=300, blank=True)
    recycled_reason = models.CharField("motif du recyclage", max_length=200, blank=True)
    recycler = models.CharField("recycleur", max_length=200, blank=True)
    # When the device came in (the collection's date, or the day it was received).
    received_on = models.DateField("entré le")
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "appareil"
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=DeviceState.values), name="device_known_state"
            ),
            models.UniqueConstraint(
                fields=["programme", "serial_number"],
                condition=~Q(serial_number=""),
                name="device_serial_unique_per_programme",
            ),
            # The erasure gate, kept by the database itself.
            models.CheckConstraint(
                condition=~Q(state__in=AFTER_ERASURE)
                | (~Q(erasure_method="") & ~Q(erasure_certificate="") & Q(erased_at__isnull=False)),
                name="device_erasure_recorded_past_the_gate",
            ),
            models.CheckConstraint(
                condition=Q(collection__isnull=False) | Q(exchange__isnull=False),
                name="device_has_an_origin",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "state"], name="device_programme_state"),
        ]

    def __str__(self) -> str:
        return f"Appareil {self.public_id}"


class DeviceMove(models.Model):
    """One move of the state machine: who, for which structure, when, and its details."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="moves")
    from_state = models.CharField(max_length=15, choices=DeviceState.choices, blank=True)
    to_state = models.CharField(max_length=15, choices=DeviceState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=_dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "étape d'un appareil"

    def __str__(self) -> str:
        return f"{self.device_id}: {self.from_state} → {self.to_state}"


def device_move_problem(from_state: str, to_state: str) -> str | None:
    """None when ``DEVICE_TRANSITIONS`` allows the move, else the French refusal."""
    if to_state in DEVICE_TRANSITIONS.get(from_state, frozenset()):
        return None
    current = DeviceState(from_state).label.lower()
    wanted = DeviceState(to_state).label.lower()
    if from_state == to_state:
        return f"Cet appareil est déjà « {current} »."
    if not DEVICE_TRANSITIONS.get(from_state):
        return f"Cet appareil est « {current} » : il ne peut plus devenir « {wanted} »."
    return f"Un appareil « {current} » ne peut pas devenir « {wanted} »."


# --- Allocation to a person ---------------------------------------------------------------


class AllocationStatus(models.TextChoices):
    WAITING = "attente", "En liste d'attente"
    RESERVED = "reserve", "Ordinateur réservé"
    HANDED_OVER = "remis", "Ordinateur remis"
    INSTALLED = "installe", "Installé à domicile"
    CANCELLED = "annule", "Annulée"


A = AllocationStatus
ALLOCATION_TRANSITIONS: dict[str, frozenset[str]] = {
    A.WAITING: frozenset({A.RESERVED, A.CANCELLED}),
    A.RESERVED: frozenset({A.WAITING, A.HANDED_OVER, A.CANCELLED}),
    A.HANDED_OVER: frozenset({A.INSTALLED}),
    A.INSTALLED: frozenset(),
    A.CANCELLED: frozenset(),
}
ACTIVE_ALLOCATION = (A.WAITING, A.RESERVED, A.HANDED_OVER, A.INSTALLED)
HOLDS_DEVICE = (A.RESERVED, A.HANDED_OVER, A.INSTALLED)
# What the installer ticks at home (all three for « installé »).
INSTALL_CHECKLIST: dict[str, str] = {
    "connexion": "La connexion internet fonctionne",
    "comptes": "Les comptes utiles sont créés (messagerie, espaces en ligne)",
    "autonomie": "La personne sait allumer l'ordinateur et faire une recherche seule",
}


class ContractSignature(models.TextChoices):
    PAPER = "papier", "Sur papier (exemplaire signé gardé par la structure)"
    TABLET = "tablette", "Sur la tablette, devant le professionnel"


class AllocationQuerySet(models.QuerySet):
    def active(self) -> AllocationQuerySet:
        return self.filter(status__in=ACTIVE_ALLOCATION)

    def waiting_list(self) -> AllocationQuerySet:
        # The rule's order: who completed their cycle first, then who asked first.
        return self.filter(status=A.WAITING).order_by(
            models.F("cycle_completed_on").asc(nulls_last=True), "requested_at", "id"
        )

    def equipped(self) -> AllocationQuerySet:
        return self.filter(status=A.INSTALLED)


class Allocation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="allocations")
    person = models.ForeignKey(
        Person, null=True, on_delete=models.SET_NULL, related_name="computer_allocations"
    )
    # The structure that follows the person and asked for the computer.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="computer_allocations"
    )
    status = models.CharField(
        "état", max_length=10, choices=AllocationStatus.choices, default=AllocationStatus.WAITING
    )
    # Copies for statistics, kept after the person's file is anonymised.
    commune_insee = models.CharField(max_length=5, blank=True)
    # Eligibility as checked when the person was put on the list: {criterion: true/false}.
    eligibility = models.JSONField("critères", default=_dict)
    enrolment = models.ForeignKey(
        Enrolment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="computer_allocations",
        verbose_name="cycle terminé",
    )
    cycle_completed_on = models.DateField("cycle terminé le", null=True, blank=True)
    requested_at = models.DateTimeField("inscrite sur la liste le")
    device = models.ForeignKey(
        Device, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    reserved_at = models.DateTimeField(null=True, blank=True)
    contract_text = models.TextField("contrat signé", blank=True)
    contract_signature = models.CharField(
        "signature", max_length=10, choices=ContractSignature.choices, blank=True
    )
    handed_over_at = models.DateTimeField("remis le", null=True, blank=True)
    installation_at = models.DateTimeField("rendez-vous d'installation", null=True, blank=True)
    installed_on = models.DateField("installé le", null=True, blank=True)
    installed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checklist = models.JSONField("vérifications à domicile", default=_dict, blank=True)
    cancel_reason = models.CharField("motif", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = "attribution d'un ordinateur"
        verbose_name_plural = "attributions d'ordinateurs"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AllocationStatus.values), name="allocation_known_status"
            ),
            # One device is promised to one person at a time…
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(status__in=HOLDS_DEVICE),
                name="one_holder_per_device",
            ),
            # …and a person holds one live request per programme.
            models.UniqueConstraint(
                fields=["programme", "person"],
                condition=Q(status__in=ACTIVE_ALLOCATION),
                name="one_live_allocation_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=HOLDS_DEVICE) | Q(device__isnull=False),
                name="allocation_past_waiting_has_device",
            ),
        ]

    def __str__(self) -> str:
        return f"Attribution {self.public_id}"


class AllocationStatusChange(models.Model):
    allocation = models.ForeignKey(
        Allocation, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=10, choices=AllocationStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=AllocationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.allocation_id}: {self.from_status} → {self.to_status}"


def allocation_move_problem(from_status: str, to_status: str) -> str | None:
    if to_status in ALLOCATION_TRANSITIONS.get(from_status, frozenset()):
        return None
    current = AllocationStatus(from_status).label.lower()
    wanted = AllocationStatus(to_status).label.lower()
    if from_status == to_status:
        return f"Cette attribution est déjà « {current} »."
    if not ALLOCATION_TRANSITIONS.get(from_status):
        return f"Cette attribution est close (« {current} ») : elle ne peut plus changer."
    return f"Une attribution « {current} » ne peut pas devenir « {wanted} »."
