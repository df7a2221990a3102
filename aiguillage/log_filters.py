"""Log filters: what reaches the logs, and what does not."""

from __future__ import annotations

import logging


class NoTracebackBelow500(logging.Filter):
    """A refused or missing page (403, 404, 400) is logged in one line, without the
    traceback Django attaches: those are normal answers, and a traceback can quote the
    values of the request being refused."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
