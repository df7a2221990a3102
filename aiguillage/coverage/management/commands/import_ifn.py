"""Load the indice de fragilité numérique (IFN) of every commune from the national file.

The file is ``ifn_communes_2023.csv`` (ANCT / La MedNum): columns name, division,
code, the five component scores and total. Rows that cannot be read are listed
with their line and reason and left out. Dry run unless --wet-run.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aiguillage.coverage.actions import store_fragility_scores
from aiguillage.coverage.engine import read_ifn_csv
from aiguillage.coverage.models import FragilitySource


class Command(BaseCommand):
    help = "Charge l'indice de fragilité numérique (IFN 2023) des communes depuis le fichier CSV."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="ifn_communes_2023.csv")
        parser.add_argument(
            "--wet-run", action="store_true", help="enregistrer (sinon : simulation)"
        )
        parser.add_argument("--report", type=int, default=20, help="nombre de rejets affichés")

    def handle(self, *args, file: Path, wet_run: bool, report: int, **options) -> None:
        if not file.exists():
            raise CommandError(f"Fichier introuvable : {file}")
        try:
            table = read_ifn_csv(file)
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(f"Fichier IFN illisible : {error}") from error
        for problem in table.problems[:report]:
            self.stdout.write(f"  ligne {problem.line} ({problem.code or '?'}) : {problem.message}")
        if len(table.problems) > report:
            self.stdout.write(f"  … et {len(table.problems) - report} autres lignes rejetées.")
        if wet_run:
            written = store_fragility_scores(rows=table.values(), source=FragilitySource.IFN_2023)
            self.stdout.write(
                f"{written} communes enregistrées, {len(table.problems)} lignes rejetées."
            )
        else:
            self.stdout.write(
                f"{len(table)} communes lisibles, {len(table.problems)} lignes rejetées "
                "(simulation, ajoutez --wet-run pour enregistrer)."
            )
