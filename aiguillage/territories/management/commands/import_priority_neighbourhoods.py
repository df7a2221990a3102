"""Import priority neighbourhoods from a GeoJSON file: the national QPV file of data.gouv.fr
(2015 or 2024 generation) or, with --territory and --kind veille, a territory's « quartiers de
veille active ». Dry run unless --wet-run. See docs/neighbourhoods.md."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aiguillage.territories.actions import (
    NeighbourhoodImportError,
    import_priority_neighbourhoods,
)
from aiguillage.territories.models import NeighbourhoodKind, Territory


class Command(BaseCommand):
    help = "Importe les quartiers prioritaires (QPV) ou les quartiers de veille d'un territoire."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="fichier GeoJSON")
        parser.add_argument("--territory", help="slug du territoire (obligatoire pour « veille »)")
        parser.add_argument(
            "--kind", choices=NeighbourhoodKind.values, default=NeighbourhoodKind.QPV
        )
        parser.add_argument("--year", type=int, choices=[2015, 2024], help="génération (veille)")
        parser.add_argument(
            "--source", default="", help="source affichée (défaut : nom du fichier)"
        )
        parser.add_argument("--demo", action="store_true", help="marquer comme démonstration")
        parser.add_argument("--wet-run", action="store_true", help="écrire (sinon : simulation)")

    def handle(
        self,
        *args,
        path: Path,
        territory: str | None,
        kind: str,
        year: int | None,
        source: str,
        demo: bool,
        wet_run: bool,
        **options,
    ) -> None:
        owner = None
        if territory:
            owner = Territory.objects.filter(slug=territory).first()
            if owner is None:
                raise CommandError(f"Territoire « {territory} » introuvable.")
        try:
            text = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Fichier illisible : {error}.") from error
        try:
            report = import_priority_neighbourhoods(
                text=text,
                actor=None,
                kind=kind,
                territory=owner,
                source=source or path.name,
                list_year=year,
                is_demo=demo,
                wet_run=wet_run,
            )
        except NeighbourhoodImportError as error:
            raise CommandError(str(error)) from error
        for message in report.problems:
            self.stderr.write(message)
        for message in report.warnings:
            self.stdout.write(message)
        if wet_run:
            counts = f"{report.created} créés, {report.updated} mis à jour"
        else:
            counts = (
                f"simulation (ajoutez --wet-run pour écrire) : {report.created} à créer, "
                f"{report.updated} à mettre à jour"
            )
        self.stdout.write(
            f"Quartiers : {counts} ; {report.refused} refusés ; "
            f"{report.skipped_outside} hors des communes chargées."
        )
