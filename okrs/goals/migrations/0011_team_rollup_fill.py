"""Make and fill the kept team rollup parts of every team's period from the kept scores."""

from django.db import migrations


def fill(apps, schema_editor):  # noqa: ARG001 -- the app's own code keeps the parts
    # the current models, not the historical ones: the parts are computed by the same code
    # every write uses (`okrs.goals.scores`); `okrs scores verify --repair` does the same
    from okrs.goals.scores import rebuild_team_rollups

    rebuild_team_rollups()


class Migration(migrations.Migration):
    dependencies = [("goals", "0010_team_rollup")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
