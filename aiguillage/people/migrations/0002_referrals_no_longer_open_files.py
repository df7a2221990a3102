"""A referral no longer opens the person's file to the receiving structure (issue 11): the
accesses it granted are removed. The structure that created the file keeps its access; the
receiver sees, on the referral and while it lasts, what the consent lists."""

from django.db import migrations
from django.db.models import F


def remove_referral_accesses(apps, schema_editor) -> None:
    PersonAccess = apps.get_model("people", "PersonAccess")
    granted_by_referrals = PersonAccess.objects.filter(reason="orientation").exclude(
        organisation_id=F("person__created_by_organisation_id")
    )
    granted_by_referrals.delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0001_add_people_and_consent")]
    # Not reversible in data: the removed accesses were the leak.
    operations = [migrations.RunPython(remove_referral_accesses, migrations.RunPython.noop)]
