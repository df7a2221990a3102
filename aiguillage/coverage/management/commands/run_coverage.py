"""Re-run the coverage analysis of territories whose places changed since their last run.

A territory without any analysis is left alone (its coordinators start the first one
and choose its settings); the new run reuses the settings of the latest finished one.
Dry run unless --wet-run. Listed in deploy/schedule (nightly).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from aiguillage.coverage.actions import CoverageError, start_coverage_run
from aiguillage.coverage.engine import CoverageSettings
from aiguillage.coverage.models import CoverageRun
from aiguillage.territories.models import Territory


class Command(BaseCommand):
    help = "Relance l'analyse de couverture des territoires dont les lieux ont changé."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--territory", help="SIREN ou identifiant d'un seul territoire")
        parser.add_argument("--force", action="store_true", help="relancer même à jour")
        parser.add_argument("--wet-run", action="store_true", help="lancer (sinon : simulation)")

    def handle(self, *args, territory: str | None, force: bool, wet_run: bool, **options):
        territories = Territory.objects.order_by("name")
        if territory:
            territories = territories.filter(siren=territory) | territories.filter(slug=territory)
            if not territories.exists():
                raise CommandError(f"Territoire inconnu : {territory}")
        started = 0
        for item in territories:
            latest = CoverageRun.objects.for_territory(item).done().defer("table").first()
            if latest is None:
                continue
            changed = latest.changed_places_count()
            if not changed and not force:
                continue
            if not wet_run:
                self.stdout.write(f"{item.name} : {changed} lieux modifiés, analyse à relancer.")
                continue
            try:
                start_coverage_run(
                    actor=None,
                    territory=item,
                    settings=CoverageSettings.from_dict(latest.settings),
                )
            except CoverageError as error:
                self.stdout.write(f"{item.name} : {error}")
                continue
            started += 1
            self.stdout.write(f"{item.name} : analyse relancée ({changed} lieux modifiés).")
        if wet_run:
            self.stdout.write(f"{started} analyse(s) lancée(s).")
