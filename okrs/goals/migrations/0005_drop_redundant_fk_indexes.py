"""Drop the single-column indexes Django made for three foreign keys, each the first column of a
composite index that serves the same lookups (`checkin_latest`, `change_latest`,
`objective_period_id`): one index less to write with every check-in, change and objective.

`AlterField(db_index=False)` alone would copy each whole table on SQLite (its schema editor remakes
the table) and do nothing on PostgreSQL, so the state changes with it and the database with
`DROP INDEX` of the names Django gave those indexes (the same on both databases)."""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = [  # (index, table, column), named as Django's schema editor names a foreign key's index
    ("goals_change_objective_id_d8b37318", "goals_change", "objective_id"),
    ("goals_checkin_key_result_id_8e5e0daa", "goals_checkin", "key_result_id"),
    ("goals_objective_period_id_fe19c443", "goals_objective", "period_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0004_objective_objective_period_id"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="change",
                    name="objective",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="changes",
                        to="goals.objective",
                    ),
                ),
                migrations.AlterField(
                    model_name="checkin",
                    name="key_result",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checkins",
                        to="goals.keyresult",
                    ),
                ),
                migrations.AlterField(
                    model_name="objective",
                    name="period",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="objectives",
                        to="goals.period",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
                )
                for index, table, column in DROPPED
            ],
        ),
    ]
