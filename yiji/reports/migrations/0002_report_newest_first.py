from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                fields=["-released_at", "-id"], name="report_newest_first"
            ),
        ),
    ]
