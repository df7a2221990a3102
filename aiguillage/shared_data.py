"""Where the team's shared reference material lives (real public datasets, schemas).

The product never needs it to run; tests, benchmarks and import commands read
the real files from there instead of copies in the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent


def shared_root() -> Path:
    """The shared folder: $AIGUILLAGE_SHARED, or ``../shared`` beside the repository."""
    configured = os.environ.get("AIGUILLAGE_SHARED")
    return Path(configured) if configured else REPOSITORY_ROOT.parent / "shared"


def shared_path(relative: str) -> Path:
    """Path of a file inside the shared folder (it may not exist on a production machine)."""
    return shared_root() / relative
