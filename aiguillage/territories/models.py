"""Territories (the tenant: an EPCI) and their member communes (reference geography)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db import models


class TerritoryKind(models.TextChoices):
    METROPOLE = "METRO", "Métropole"
    COMMUNAUTE_URBAINE = "CU", "Communauté urbaine"
    COMMUNAUTE_AGGLOMERATION = "CA", "Communauté d'agglomération"
    COMMUNAUTE_COMMUNES = "CC", "Communauté de communes"
    DEPARTEMENT = "DEP", "Département"


class Territory(models.Model):
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField(unique=True)
    siren = models.CharField("SIREN", max_length=9, unique=True)
    kind = models.CharField("type", max_length=5, choices=TerritoryKind.choices)
    timezone = models.CharField("fuseau horaire", max_length=64, default="Europe/Paris")
    accent_color = models.CharField("couleur d'accent", max_length=7, default="#1d4e89")
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "territoire"

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class CommuneQuerySet(models.QuerySet):
    def in_territory(self, territory: Territory) -> CommuneQuerySet:
        return self.filter(territory=territory)

    def matching(self, text: str) -> CommuneQuerySet:
        """Communes whose name starts with ``text`` or that have this postcode."""
        text = text.strip()
        if text.isdigit():
            return self.filter(postcodes__code__startswith=text).distinct()
        return self.filter(search_name__startswith=normalise_search(text))


def normalise_search(text: str) -> str:
    """Lower-case, accents and punctuation removed: « Saint-Égrève » → « saint egreve »."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    for separator in "-'’":
        plain = plain.replace(separator, " ")
    return " ".join(plain.split())


class Commune(models.Model):
    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=200)
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    territory = models.ForeignKey(
        Territory, null=True, blank=True, on_delete=models.PROTECT, related_name="communes"
    )
    department_code = models.CharField("département", max_length=3)
    population = models.PositiveIntegerField("population municipale", default=0)
    # Centroid (WGS84), used as the person's position when they give a commune.
    latitude = models.FloatField()
    longitude = models.FloatField()
    # Simplified GeoJSON geometry for maps and coverage grids (no GIS dependency).
    geometry = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"

    def save(self, *args, **kwargs) -> None:
        self.search_name = normalise_search(self.name)
        super().save(*args, **kwargs)

    @property
    def postcode_list(self) -> list[str]:
        return sorted(p.code for p in self.postcodes.all())


class Postcode(models.Model):
    code = models.CharField(max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postcodes")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="unique_postcode_per_commune")
        ]

    def __str__(self) -> str:
        return self.code


class NeighbourhoodKind(models.TextChoices):
    QPV = "qpv", "Quartier prioritaire de la politique de la ville (QPV)"
    VEILLE = "veille", "Quartier de veille active"


class NeighbourhoodGeneration(models.IntegerChoices):
    # The official lists: 2015 (codes « QP… ») and 2024 (codes « QN… »).
    LIST_2015 = 2015, "Liste 2015"
    LIST_2024 = 2024, "Liste 2024"


class PriorityNeighbourhoodQuerySet(models.QuerySet):
    def for_territory(self, territory: Territory) -> PriorityNeighbourhoodQuerySet:
        """National QPVs touching the territory's communes and the territory's own quartiers."""
        return self.filter(
            models.Q(territory=territory) | models.Q(communes__territory=territory)
        ).distinct()

    def in_box(
        self, south: float, west: float, north: float, east: float
    ) -> PriorityNeighbourhoodQuerySet:
        """Neighbourhoods whose bounding box meets this box (a prefilter, not the answer)."""
        return self.filter(
            min_latitude__lte=north,
            max_latitude__gte=south,
            min_longitude__lte=east,
            max_longitude__gte=west,
        )


class PriorityNeighbourhood(models.Model):
    """A priority neighbourhood of the city policy (QPV) or a territory's « quartier de veille ».

    ``geometry`` is GeoJSON (Polygon or MultiPolygon, WGS84) read with shapely; the bounding
    box columns are the indexed prefilter of ``territories.neighbourhoods``.
    """

    code = models.CharField("code", max_length=20)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField(
        "type", max_length=10, choices=NeighbourhoodKind.choices, default=NeighbourhoodKind.QPV
    )
    list_year = models.PositiveSmallIntegerField(
        "génération de la liste", choices=NeighbourhoodGeneration.choices
    )
    # A QPV may span several communes.
    communes = models.ManyToManyField(Commune, related_name="priority_neighbourhoods")
    population = models.PositiveIntegerField("population", null=True, blank=True)
    geometry = models.JSONField("contour (GeoJSON)")
    min_latitude = models.FloatField()
    max_latitude = models.FloatField()
    min_longitude = models.FloatField()
    max_longitude = models.FloatField()
    # Empty for the national QPVs; the territory that listed its « quartiers de veille ».
    territory = models.ForeignKey(
        Territory,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="priority_neighbourhoods",
    )
    source = models.CharField("source", max_length=200, blank=True)
    is_demo = models.BooleanField("données de démonstration", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PriorityNeighbourhoodQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "quartier prioritaire"
        verbose_name_plural = "quartiers prioritaires"
        indexes = [
            models.Index(
                fields=["min_latitude", "max_latitude", "min_longitude", "max_longitude"],
                name="neighbourhood_bbox",
            )
        ]
        constraints = [
            # National QPV codes are unique; a territory's own codes are unique in it.
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(territory__isnull=True),
                name="unique_national_neighbourhood_code",
            ),
            models.UniqueConstraint(
                fields=["territory", "code"], name="unique_neighbourhood_code_per_territory"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=NeighbourhoodKind.values),
                name="neighbourhood_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
