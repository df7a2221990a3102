"""Views that receive files say so: their requests may be larger than the usual limit.

``ui.middleware.RequestLimitsMiddleware`` answers 413 to any other request whose body is
larger than DATA_UPLOAD_MAX_MEMORY_SIZE, before anything reads it.
"""

from __future__ import annotations

from collections.abc import Callable


def accepts_uploads(max_bytes: int) -> Callable:
    """Mark a view that receives files: its requests may carry up to ``max_bytes``."""

    def mark(view: Callable) -> Callable:
        view.max_request_bytes = max_bytes
        return view

    return mark
