"""Import a file of places in one of the open-data formats, with a progress bar.

Every row ends imported (created, updated or unchanged) or rejected with its line
and reason; re-importing the same file changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from aiguillage.places import formats
from aiguillage.places.dedup_actions import merge_duplicates
from aiguillage.places.importing import run_import, start_import
from aiguillage.places.models import ImportStatus
from aiguillage.territories.models import Territory


class Command(BaseCommand):
    help = (
        "Importe un fichier de lieux (standard lieux de médiation numérique v1/v0, "
        "France Services, data·inclusion, Aidants Connect, mairies)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format", choices=sorted(formats.FORMATS), help="format (détecté sinon)"
        )
        parser.add_argument(
            "--services", type=Path, help="fichier des services data·inclusion associé"
        )
        parser.add_argument("--territory", help="SIREN ou identifiant du territoire (sinon : tous)")
        parser.add_argument("--no-dedup", action="store_true", help="ne pas fusionner les doublons")
        parser.add_argument("--report", type=int, default=20, help="nombre de rejets affichés")

    def handle(
        self,
        *args,
        file: Path,
        format: str | None,
        services: Path | None,
        territory: str | None,
        no_dedup: bool,
        report: int,
        **options,
    ) -> None:
        if not file.exists():
            raise CommandError(f"Fichier introuvable : {file}")
        target = None
        if territory:
            target = (
                Territory.objects.filter(siren=territory).first()
                or Territory.objects.filter(slug=territory).first()
            )
            if target is None:
                raise CommandError(f"Territoire inconnu : {territory}")
        run = start_import(actor=None, filename=file.name, territory=target)
        bar = tqdm(
            total=0,
            unit="ligne",
            disable=not self.stdout.isatty() and options.get("verbosity", 1) < 2,
        )

        def progress(current) -> None:
            bar.total = current.total
            bar.n = current.processed
            bar.refresh()

        run = run_import(
            run=run, path=file, file_format=format, services_path=services, progress=progress
        )
        bar.close()
        if run.status == ImportStatus.FAILED:
            raise CommandError(run.error)
        merged = 0
        if not no_dedup:
            merged = merge_duplicates(actor=None, territories=[target] if target else None, run=run)
        self.stdout.write(
            f"{run.filename} ({formats.FORMATS.get(run.file_format, run.file_format)}) : "
            f"{run.processed} lignes — {run.created} créées, {run.updated} mises à jour, "
            f"{run.unchanged} inchangées, {run.rejected} rejetées, {merged} doublons fusionnés."
        )
        for rejection in run.rejections[:report]:
            self.stdout.write(f"  {rejection['where']} : {' ; '.join(rejection['reasons'])}")
        if run.rejected > report:
            self.stdout.write(
                f"  … et {run.rejected - report} autres rejets (voir la page de l'import)."
            )
