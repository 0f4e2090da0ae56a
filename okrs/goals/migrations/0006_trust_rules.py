from django.db import migrations, models


def mark_uncertain(apps, schema_editor):
    """Key results whose last measurement was undecided (the interval contains the target)."""
    Measurement = apps.get_model("measures", "Measurement")
    KeyResult = apps.get_model("goals", "KeyResult")
    undecided = [
        pk
        for pk, detail in Measurement.objects.values_list("key_result_id", "detail")
        if isinstance(detail, dict) and detail.get("verdict") == "undecided"
    ]
    KeyResult.objects.filter(pk__in=undecided).update(uncertain=True)


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0005_drop_redundant_fk_indexes"),
        ("measures", "0002_survey_response_no_lone_survey_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="keyresult",
            name="uncertain",
            field=models.BooleanField(
                default=False,
                help_text="The computed value's 95% interval contains the target (set by the measure).",
            ),
        ),
        migrations.AlterField(
            model_name="change",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("updated", "Edited"),
                    ("moved", "Reordered"),
                    ("archived", "Archived"),
                    ("restored", "Restored"),
                    ("aligned", "Aligned"),
                    ("unaligned", "Alignment removed"),
                    ("proposed", "Proposed for review"),
                    ("commented", "Commented"),
                    ("changes_requested", "Changes requested"),
                    ("approved", "Approved"),
                    ("published", "Published"),
                    ("remeasured", "Re-measured after the period closed"),
                ],
                max_length=32,
            ),
        ),
        migrations.RunPython(mark_uncertain, migrations.RunPython.noop),
    ]
