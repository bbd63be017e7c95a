"""The roll-up now keeps the person for every indicator (figures by person read it). Rows
stored before kept it only for per-head figures: they are let go, the figures are counted from
the records until the next nightly roll-up stores every settled day again."""

from django.db import migrations


def forget_roll_up(apps, schema_editor):
    apps.get_model("quality", "IndicatorDay").objects.all().delete()
    apps.get_model("quality", "RolledDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0005_new_techniques")]

    operations = [migrations.RunPython(forget_roll_up, migrations.RunPython.noop)]
