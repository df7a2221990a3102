"""Places of the territory's digital-help offer, with every field of the national
standard « lieux de médiation numérique » v1.0.2 and what the seeds need beyond it."""

from __future__ import annotations

import json
import uuid
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import models

from aiguillage.organisations.models import Organisation
from aiguillage.places import vocabulary
from aiguillage.territories.models import Commune, Territory


def _list() -> list:
    return []


@lru_cache(maxsize=4096)
def _list_of_strings(text: str) -> tuple[str, ...] | None:
    """The items of a JSON list of strings; None for any other JSON or broken text."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if type(value) is list and all(type(item) is str for item in value):
        return tuple(value)
    return None


class ListField(models.JSONField):
    """A JSON list of strings: the standard's multi-valued fields and our extra ones.

    A search result loads twenty places of fourteen lists each, and the same few texts
    (« [] », « ["Gratuit"] », « ["fr"] »…) come back again and again: each distinct text is
    decoded once per process. Every place still gets its own list."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if type(value) is str:
            strings = _list_of_strings(value)
            if strings is not None:
                return list(strings)
        return super().from_db_value(value, expression, connection)


class PlaceQuerySet(models.QuerySet):
    def published(self) -> PlaceQuerySet:
        """Places shown to the public: not merged into another place."""
        return self.filter(merged_into__isnull=True, is_published=True)

    def in_territory(self, territory: Territory) -> PlaceQuerySet:
        return self.filter(territory=territory)

    def offering_any(self, mask: int) -> PlaceQuerySet:
        """Places offering at least one service of ``mask`` (one bit per SERVICE_CODES entry)."""
        if not mask:
            return self
        return self.alias(_services=models.F("service_mask").bitand(mask)).filter(_services__gt=0)

    def with_supports(self, mask: int) -> PlaceQuerySet:
        """Places that provide every specific support in ``mask``."""
        if not mask:
            return self
        return self.alias(_supports=models.F("support_mask").bitand(mask)).filter(_supports=mask)

    def speaking_any(self, mask: int) -> PlaceQuerySet:
        if not mask:
            return self
        return self.alias(_langs=models.F("language_mask").bitand(mask)).filter(_langs__gt=0)

    def in_box(self, south: float, west: float, north: float, east: float) -> PlaceQuerySet:
        return self.filter(
            latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
        )


class Place(models.Model):
    # Fields of the standard whose value is a list ("|" in the CSV).
    LIST_FIELDS = tuple(sorted(vocabulary.MULTI_VALUED_FIELDS))

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="places",
        verbose_name="territoire",
        # The (territory, nom) index serves every lookup by territory: a second index
        # would only slow down imports.
        db_index=False,
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="places",
        verbose_name="structure gestionnaire",
    )
    commune_ref = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="places"
    )

    # --- Standard v1.0.2 ---
    pivot = models.CharField("SIRET ou RNA", max_length=14, blank=True)
    nom = models.CharField("nom", max_length=250)
    commune = models.CharField("commune", max_length=200)
    code_postal = models.CharField("code postal", max_length=5)
    code_insee = models.CharField("code INSEE", max_length=5, blank=True, db_index=True)
    adresse = models.CharField("adresse", max_length=300)
    complement_adresse = models.CharField("complément d'adresse", max_length=300, blank=True)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    typologie = ListField("typologie", default=_list, blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    courriels = ListField("courriels", default=_list, blank=True)
    site_web = ListField("sites web", default=_list, blank=True)
    horaires = models.CharField("horaires (format OpenStreetMap)", max_length=1000, blank=True)
    presentation_resume = models.CharField("présentation résumée", max_length=280, blank=True)
    presentation_detail = models.TextField("présentation détaillée", blank=True)
    source = models.CharField("structure collectant la donnée", max_length=200, blank=True)
    itinerance = ListField("itinérance", default=_list, blank=True)
    structure_parente = models.CharField("structure parente", max_length=200, blank=True)
    date_maj = models.DateField("date de mise à jour")
    services = ListField("services", default=_list, blank=True)
    publics_specifiquement_adresses = ListField(
        "publics spécifiquement adressés", default=_list, blank=True
    )
    prise_en_charge_specifique = ListField("prise en charge spécifique", default=_list, blank=True)
    frais_a_charge = ListField("frais à charge", default=_list, blank=True)
    dispositif_programmes_nationaux = ListField(
        "dispositifs et programmes nationaux", default=_list, blank=True
    )
    formations_labels = ListField("formations et labels", default=_list, blank=True)
    autres_formations_labels = models.CharField(
        "autres formations et labels", max_length=500, blank=True
    )
    modalites_acces = ListField("modalités d'accès", default=_list, blank=True)
    modalites_accompagnement = ListField("modalités d'accompagnement", default=_list, blank=True)
    fiche_acces_libre = models.URLField("fiche Accès libre", max_length=500, blank=True)
    prise_rdv = models.URLField("prise de rendez-vous en ligne", max_length=500, blank=True)

    # --- Beyond the standard (what the seeds need) ---
    extra_services = ListField("équipements et services en plus", default=_list, blank=True)
    languages = ListField("langues parlées", default=_list, blank=True)
    capacity_note = models.CharField("capacité d'accueil", max_length=300, blank=True)
    location_is_approximate = models.BooleanField(
        "position approximative (centre de la commune)", default=False
    )

    # --- Search helpers, derived from the fields above by places.rules.derive_search_fields ---
    # Searched with a bitwise AND, which no B-tree index can serve.
    service_mask = models.BigIntegerField(default=0, editable=False)
    support_mask = models.BigIntegerField(default=0, editable=False)
    language_mask = models.BigIntegerField(default=0, editable=False)
    is_free = models.BooleanField(default=False, editable=False)
    has_online_booking = models.BooleanField(default=False, editable=False)

    is_published = models.BooleanField("visible dans la recherche", default=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_places"
    )
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        verbose_name = "lieu"
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="place_lat_lon"),
            models.Index(fields=["territory", "nom"], name="place_territory_name"),
            # The search index's version is the newest updated_at: an index-only lookup.
            models.Index(fields=["updated_at"], name="place_updated_at"),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.commune})"

    @property
    def extra_service_labels(self) -> list[str]:
        return [
            vocabulary.EXTRA_SERVICES[c]
            for c in self.extra_services
            if c in vocabulary.EXTRA_SERVICES
        ]

    @property
    def language_labels(self) -> list[str]:
        return [vocabulary.LANGUAGES[c] for c in self.languages if c in vocabulary.LANGUAGES]

    @property
    def typologie_labels(self) -> list[str]:
        return [vocabulary.TYPOLOGIES.get(code, code) for code in self.typologie]

    @property
    def full_address(self) -> str:
        parts = [self.adresse, self.complement_adresse, f"{self.code_postal} {self.commune}"]
        return ", ".join(part for part in parts if part)


class PlaceSource(models.Model):
    """One identifier of a place in an open-data source: the natural key of imports."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="source_records")
    source = models.CharField(max_length=100)
    source_id = models.CharField(max_length=200)
    content_hash = models.CharField(max_length=64)
    last_import = models.ForeignKey(
        "places.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="unique_source_record")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id}"


class PlaceChangeKind(models.TextChoices):
    CREATED = "created", "Création"
    UPDATED = "updated", "Modification"
    IMPORTED = "imported", "Import"
    MERGED = "merged", "Fusion"
    UNMERGED = "unmerged", "Annulation de fusion"


class PlaceChange(models.Model):
    """Every change of a place: who, when, what (field → [before, after])."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="place_changes",
    )
    kind = models.CharField(max_length=10, choices=PlaceChangeKind.choices)
    changes = models.JSONField(default=dict)
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.place_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    # Rows are written; duplicates among the territory's places are being merged.
    MERGING = "merging", "Fusion des doublons en cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échec"


class ImportRun(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    territory = models.ForeignKey(
        Territory, null=True, blank=True, on_delete=models.PROTECT, related_name="import_runs"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_runs",
    )
    filename = models.CharField(max_length=300)
    file_format = models.CharField(max_length=60, blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # [{"line": 12, "reasons": ["…"]}, …] and file-level warnings, in French.
    rejections = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.filename} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if not self.total:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, round(100 * self.processed / self.total))


class PlaceMerge(models.Model):
    """A duplicate merged into a kept place; reviewable and undoable by a coordinator."""

    kept = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="merges_kept")
    duplicate = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="merges_absorbed")
    score = models.FloatField()
    reasons = models.JSONField(default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="place_merges",
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="place_merges_undone",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.duplicate_id} → {self.kept_id}"
