"""Cohort members get the days they join and leave: the plain many-to-many's table becomes the
`CohortMembership` model (same table and columns), with `started_on` and `ended_on`. Existing
rows keep an empty `started_on` (the start is not known: counted on every day before an end), so
no closed period's cohort changes; one current membership per person and cohort."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CohortMembership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "cohort",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="org.cohort",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="cohort_memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "org_cohort_members",
                        "unique_together": {("cohort", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="cohort",
                    name="members",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="cohorts",
                        through="org.CohortMembership",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="cohortmembership",
            name="started_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="cohortmembership",
            name="ended_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterUniqueTogether(name="cohortmembership", unique_together=set()),
        migrations.AddConstraint(
            model_name="cohortmembership",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ended_on__isnull", True)),
                fields=("cohort", "user"),
                name="cohort_membership_one_current",
            ),
        ),
        migrations.AddConstraint(
            model_name="cohortmembership",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("started_on__isnull", True),
                    ("ended_on__isnull", True),
                    ("ended_on__gte", models.F("started_on")),
                    _connector="OR",
                ),
                name="cohort_membership_ends_after_start",
            ),
        ),
    ]
