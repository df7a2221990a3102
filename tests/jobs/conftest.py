from __future__ import annotations

import pytest

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued(db, settings):
    """Tasks are stored for a worker instead of running at once (the production backend)."""
    settings.TASKS = DATABASE_BACKEND
    settings.TASK_BACKEND = "database"
