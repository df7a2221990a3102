"""Store the referential files of the repository that the database does not have yet.

Dry run unless --wet-run. A file changed in place after its version was used is refused.
(The first assessment also stores them when the database has no version at all.)
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from aiguillage.assessments.actions import AssessmentError, install_bundled_referentials


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Enregistre les versions du référentiel livrées avec le code (simulation sans --wet-run)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--wet-run", action="store_true", help="appliquer (sinon : simulation)")

    def handle(self, *args, wet_run: bool, **options) -> None:
        installed = []
        try:
            with transaction.atomic():
                installed = install_bundled_referentials()
                if not wet_run:
                    raise _DryRun
        except _DryRun:
            pass
        except AssessmentError as error:
            raise CommandError(str(error)) from error
        names = ", ".join(version.version for version in installed) or "aucune"
        verb = "enregistrées" if wet_run else "à enregistrer (simulation, ajoutez --wet-run)"
        self.stdout.write(f"Versions du référentiel {verb} : {names}.")
