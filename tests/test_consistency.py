"""Project-wide consistency: documented settings, complete migrations, deliberate on_delete."""

from __future__ import annotations

import re

from django.apps import apps
from django.core.management import call_command

from aiguillage.shared_data import REPOSITORY_ROOT


def test_every_environment_variable_is_documented():
    settings_text = (REPOSITORY_ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env_(?:str|bool|int|secret)\(\s*"([A-Z_]+)"', settings_text))
    documented = (REPOSITORY_ROOT / "docs" / "environment.md").read_text(encoding="utf-8")
    missing = sorted(name for name in read if f"`{name}`" not in documented)
    assert read and not missing, f"Variables absentes de docs/environment.md : {missing}"


def test_no_model_change_lacks_a_migration(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_foreign_key_to_a_user_protects_history():
    # History (journal, changes, imports) must survive: users are deactivated, not deleted.
    from django.db.models import PROTECT, SET_NULL

    for model in apps.get_models():
        if not model.__module__.startswith("aiguillage."):
            continue
        for field in model._meta.get_fields():
            if getattr(field, "many_to_one", False) and field.related_model is apps.get_model(
                "accounts.User"
            ):
                if model.__name__ in {"Membership", "Coordination"}:
                    continue  # a membership ends with its user
                assert field.remote_field.on_delete in (PROTECT, SET_NULL), (
                    f"{model.__name__}.{field.name}"
                )
