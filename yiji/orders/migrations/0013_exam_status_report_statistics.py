"""PostgreSQL's planner takes an exam's status and has_report as independent: with 95 % of
exams completed and 5 % without a report it expected 900,000 completed exams waiting for a
report at 20M exams, where there were about a thousand, and counted the reading list's
"unreported" tab with a sequential scan of the whole table (2 s on the physician's home page
and the reading list; docs/performance.md). Statistics on the pair tell it how few there are.
"""

from django.db import migrations

NAME = "orders_exam_status_has_report"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {NAME} (mcv) ON status, has_report FROM orders_exam"
        )
        schema_editor.execute("ANALYZE orders_exam")  # a sample: about a second at 20M exams


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("orders", "0012_images_available_event")]

    operations = [migrations.RunPython(create, drop)]
