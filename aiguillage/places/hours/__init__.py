"""Opening hours of places, in OpenStreetMap ``opening_hours`` syntax (column ``horaires``).

Public API, re-exported from the modules of this package:

- ``syntax``: ``validate_opening_hours``, ``parse_opening_hours``,
  ``OpeningHoursError``, ``slots_to_osm``;
- ``timeline``: ``is_open_at``, ``open_during``, ``first_overlap``,
  ``first_common_slot``, ``PARIS``;
- ``wording``: ``describe_opening_hours``, ``describe_week_table``, ``describe_slot``,
  ``opening_status``, ``OpeningStatus``.
"""

from aiguillage.places.hours.syntax import (
    OpeningHoursError,
    parse_opening_hours,
    slots_to_osm,
    validate_opening_hours,
)
from aiguillage.places.hours.timeline import (
    PARIS,
    first_common_slot,
    first_overlap,
    is_open_at,
    open_during,
)
from aiguillage.places.hours.wording import (
    OpeningStatus,
    describe_opening_hours,
    describe_slot,
    describe_week_table,
    opening_status,
)

__all__ = [
    "PARIS",
    "OpeningHoursError",
    "OpeningStatus",
    "describe_opening_hours",
    "describe_slot",
    "describe_week_table",
    "first_common_slot",
    "first_overlap",
    "is_open_at",
    "open_during",
    "opening_status",
    "parse_opening_hours",
    "slots_to_osm",
    "validate_opening_hours",
]
