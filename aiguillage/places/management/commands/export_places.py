"""Export the published places in an open-data format (CSV v1.0.2 validates with frictionless)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aiguillage.places.exporting import EXPORT_FORMATS, export_text
from aiguillage.territories.models import Territory


class Command(BaseCommand):
    help = (
        "Exporte les lieux publiés (standard lieux de médiation numérique v1.0.2, "
        "GeoJSON, data·inclusion v1)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--format", default="lieux-mediation-numerique-v1", choices=sorted(EXPORT_FORMATS)
        )
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument("--territory", help="SIREN ou identifiant du territoire (sinon : tous)")

    def handle(self, *args, format: str, output: Path, territory: str | None, **options) -> None:
        target = None
        if territory:
            target = (
                Territory.objects.filter(siren=territory).first()
                or Territory.objects.filter(slug=territory).first()
            )
            if target is None:
                raise CommandError(f"Territoire inconnu : {territory}")
        output.write_text(export_text(target, format), encoding="utf-8")
        self.stdout.write(f"Export écrit dans {output} ({EXPORT_FORMATS[format][0]}).")
