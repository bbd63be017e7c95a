from django.db import migrations, models

# Exams that already have a report, in one statement (both databases), before the index.
BACKFILL = (
    "UPDATE orders_exam SET has_report = TRUE WHERE id IN"
    " (SELECT exam_id FROM reports_report UNION SELECT exam_id FROM lab_labreport)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_break_glass"),
        ("orders", "0004_laboratory"),
        ("reports", "0001_initial"),
        ("lab", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="exam",
            name="has_report",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="exam",
            index=models.Index(
                fields=["status", "has_report"], name="orders_exam_status_22b9d5_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="exam",
            index=models.Index(fields=["scheduled_start"], name="orders_exam_schedul_61deff_idx"),
        ),
    ]
