"""Coverage analyses of a territory: demand parameters, IFN scores and stored runs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from aiguillage.coverage.engine import COMPONENTS, DemandParameters, IfnRow
from aiguillage.coverage.engine import DemandCalibration as EngineCalibration
from aiguillage.places.models import Place
from aiguillage.territories.models import Territory


class FragilitySource(models.TextChoices):
    IFN_2023 = "ifn-2023", "Indice de fragilité numérique 2023 (ANCT, La MedNum)"
    DEMO = "demo", "Valeurs de démonstration (tirées de la densité de la commune)"


class FragilityIndex(models.Model):
    """The five IFN components of one commune, 0 to 10 (higher = more fragile).

    Loaded from the national IFN file by ``import_ifn``, for every commune of France
    (so a territory loaded later finds its values), or given demonstration values by
    ``seed_demo``. Field names are the file's columns (``engine.COMPONENTS``).
    """

    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("commune", max_length=200)
    no_thd_coverage_rate = models.FloatField(COMPONENTS["no_thd_coverage_rate"])
    no_4g_coverage_rate = models.FloatField(COMPONENTS["no_4g_coverage_rate"])
    poverty_rate = models.FloatField(COMPONENTS["poverty_rate"])
    older_65_rate = models.FloatField(COMPONENTS["older_65_rate"])
    nscol15p_rate = models.FloatField(COMPONENTS["nscol15p_rate"])
    total = models.FloatField("indice global", null=True, blank=True)
    source = models.CharField(max_length=10, choices=FragilitySource.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["insee_code"]
        verbose_name = "indice de fragilité numérique"
        verbose_name_plural = "indices de fragilité numérique"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    *(
                        models.Q(**{f"{component}__gte": 0, f"{component}__lte": 10})
                        for component in COMPONENTS
                    )
                ),
                name="fragility_scores_between_0_and_10",
            )
        ]

    def __str__(self) -> str:
        return f"IFN {self.insee_code} ({self.get_source_display()})"

    def as_ifn_row(self) -> IfnRow:
        return IfnRow(
            insee=self.insee_code,
            name=self.name,
            scores={component: getattr(self, component) for component in COMPONENTS},
            total=self.total if self.total is not None else float("nan"),
        )


class TerritoryDemandParameters(models.Model):
    """A territory's own values of the demand formula (``engine.DemandParameters``)."""

    territory = models.OneToOneField(
        Territory, on_delete=models.CASCADE, related_name="demand_parameters"
    )
    values = models.JSONField(default=dict)  # DemandParameters.to_dict()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "paramètres de l'estimation des besoins"
        verbose_name_plural = "paramètres de l'estimation des besoins"

    def __str__(self) -> str:
        return f"Paramètres des besoins : {self.territory}"

    @property
    def parameters(self) -> DemandParameters:
        return DemandParameters.from_dict(self.values)


class CoverageRunStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminée"
    FAILED = "failed", "Échec"


class CoverageRunQuerySet(models.QuerySet):
    def for_territory(self, territory: Territory) -> CoverageRunQuerySet:
        return self.filter(territory=territory)

    def done(self) -> CoverageRunQuerySet:
        return self.filter(status=CoverageRunStatus.DONE)


class CoverageRun(models.Model):
    """One analysis of a territory, kept with its parameters to compare runs over time.

    ``table`` is ``CoverageTable.to_dict()`` (people within each distance per commune,
    need and time window); ``result_file`` (under MEDIA_ROOT) holds the grid and the
    distances of every cell, for the map, site suggestions and scenarios.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="coverage_runs")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coverage_runs",
    )
    status = models.CharField(
        "état", max_length=10, choices=CoverageRunStatus.choices, default=CoverageRunStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    message = models.CharField("étape", max_length=200, blank=True)
    parameters = models.JSONField("paramètres des besoins", default=dict)
    settings = models.JSONField("réglages", default=dict)
    # Opening hours are checked over the 14 days from this moment.
    analysis_start_at = models.DateTimeField("début de la période d'ouverture étudiée")
    # Places changed after this moment make the run out of date.
    places_read_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    table = models.JSONField(default=dict, blank=True)
    result_file = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CoverageRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "analyse de couverture"
        verbose_name_plural = "analyses de couverture"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="coverage_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CoverageRunStatus.values),
                name="coverage_run_known_status",
            ),
        ]

    def __str__(self) -> str:
        return f"Analyse de couverture {self.public_id}"

    @property
    def is_running(self) -> bool:
        return self.status in (CoverageRunStatus.PENDING, CoverageRunStatus.RUNNING)

    @property
    def is_done(self) -> bool:
        return self.status == CoverageRunStatus.DONE

    def changed_places_count(self) -> int:
        """Places around the territory changed since the run read them (0: up to date)."""
        box = self.summary.get("supply_box")
        if not self.is_done or not box or self.places_read_at is None:
            return 0
        return Place.objects.in_box(*box).filter(updated_at__gt=self.places_read_at).count()


class DemandCalibrationQuerySet(models.QuerySet):
    def active(self) -> DemandCalibrationQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class DemandCalibration(models.Model):
    """A known local figure a coordinator anchors the demand estimate on.

    « 30 000 Grenoblois en situation de précarité numérique et sociale » (Emmaüs Connect,
    2015): ``known_people`` in ``commune`` (empty = the whole territory), with its source
    and year. At most one is active per territory; a new one withdraws the previous one,
    and every run copies the active one into its parameters (``engine.DemandCalibration``).
    """

    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="demand_calibrations"
    )
    commune = models.ForeignKey(
        "territories.Commune",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demand_calibrations",
    )
    known_people = models.PositiveIntegerField("personnes en difficulté (chiffre connu)")
    source = models.CharField("source", max_length=300)
    year = models.PositiveSmallIntegerField("année du chiffre")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DemandCalibrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "calage de l'estimation des besoins"
        verbose_name_plural = "calages de l'estimation des besoins"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(known_people__gt=0), name="calibration_known_people_positive"
            ),
            models.UniqueConstraint(
                fields=["territory"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_calibration_per_territory",
            ),
        ]

    def __str__(self) -> str:
        return f"Calage des besoins : {self.territory} ({self.known_people})"

    @property
    def scope_label(self) -> str:
        return self.commune.name if self.commune_id else "Tout le territoire"

    def as_engine(self) -> EngineCalibration:
        communes = frozenset({self.commune.insee_code}) if self.commune_id else frozenset()
        return EngineCalibration(float(self.known_people), communes)

    def snapshot(self) -> dict[str, object]:
        """What a run keeps of the calibration it used (JSON)."""
        return {
            **self.as_engine().to_dict(),
            "id": self.pk,
            "source": self.source,
            "year": self.year,
            "scope": self.scope_label,
        }
