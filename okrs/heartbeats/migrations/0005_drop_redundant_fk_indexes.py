"""Drop the single-column index Django made for `WorkPacket.team`, the first column of
`packet_team_id` (team, id), which serves the same lookups. See goals' migration 0005 for why the
state and the database change apart."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("heartbeats", "0004_workpacket_packet_team_id"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="workpacket",
                    name="team",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="packets",
                        to="org.team",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql='DROP INDEX IF EXISTS "heartbeats_workpacket_team_id_28c1b34c"',
                    reverse_sql='CREATE INDEX "heartbeats_workpacket_team_id_28c1b34c"'
                    ' ON "heartbeats_workpacket" ("team_id")',
                ),
            ],
        ),
    ]
