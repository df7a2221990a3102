"""Open-data files of places: readers (national standard v1.0.2 and v0.1, France Services,
data·inclusion, Aidants Connect, town halls, employers of conseillers numériques, Hinaura form
answers) and writers (standard CSV, GeoJSON, data·inclusion v1). Pure Python: the database
layer consumes ``PlaceRecord`` objects. ``HIDDEN_FORMATS`` lists the formats whose places are
imported unpublished.
"""

from aiguillage.places.formats.data_inclusion import read_data_inclusion_services
from aiguillage.places.formats.data_inclusion_v1 import write_data_inclusion_v1
from aiguillage.places.formats.reading import (
    FORMATS,
    HIDDEN_FORMATS,
    count_rows,
    detect_format,
    open_file,
    read_places,
)
from aiguillage.places.formats.records import FormatError, ParsedRow, PlaceRecord
from aiguillage.places.formats.validation import validate_standard_csv
from aiguillage.places.formats.writers import write_geojson, write_standard_csv

__all__ = [
    "FORMATS",
    "FormatError",
    "HIDDEN_FORMATS",
    "ParsedRow",
    "PlaceRecord",
    "count_rows",
    "detect_format",
    "open_file",
    "read_data_inclusion_services",
    "read_places",
    "validate_standard_csv",
    "write_data_inclusion_v1",
    "write_geojson",
    "write_standard_csv",
]
