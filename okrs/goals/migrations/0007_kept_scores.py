from collections import defaultdict

from django.db import migrations, models


def fill_kept_scores(apps, schema_editor):
    """Each key result's latest check-in and its progress and grade; each objective's rollup
    (a key result without a value counting as 0), children first. The rules of `okrs.core`
    and the same arithmetic as `okrs.goals.scores`, on the models as they are here."""
    from okrs.core.pacing import grade
    from okrs.core.rollup import Measured, objective_score
    from okrs.core.scoring import KeyResultRule, progress

    KeyResult = apps.get_model("goals", "KeyResult")
    CheckIn = apps.get_model("goals", "CheckIn")
    Objective = apps.get_model("goals", "Objective")
    Alignment = apps.get_model("goals", "Alignment")
    latest = {}
    for kr_id, value, confidence, at in CheckIn.objects.order_by(
        "key_result_id", "at", "id"
    ).values_list("key_result_id", "value", "confidence", "at").iterator():
        latest[kr_id] = (value, confidence, at)
    own, confidences, changed = defaultdict(list), defaultdict(list), []
    for kr in KeyResult.objects.all().iterator():
        value, confidence, at = latest.get(kr.pk, (None, None, None))
        rule = KeyResultRule(kr.direction, kr.baseline, kr.target, kr.target_high, kr.stretch)
        kr.kept_value, kr.kept_confidence, kr.kept_at = value, confidence, at
        kr.kept_progress = progress(rule, value)
        kr.kept_grade = grade(kr.kept_progress)
        changed.append(kr)
        if not kr.archived:
            own[kr.objective_id].append((kr.kept_grade, kr.kept_progress, kr.weight))
            if confidence is not None:
                confidences[kr.objective_id].append(confidence)
    fields = ["kept_value", "kept_confidence", "kept_at", "kept_progress", "kept_grade"]
    KeyResult.objects.bulk_update(changed, fields, batch_size=500)
    links = defaultdict(list)
    for child, parent, weight in Alignment.objects.exclude(child__state="archived").values_list(
        "child_id", "parent_id", "weight"
    ):
        links[parent].append((child, weight))
    objectives = {o.pk: o for o in Objective.objects.all()}
    done = {}

    def visit(pk, path):
        if pk in done or pk in path:
            return
        path.add(pk)
        for child, _ in links.get(pk, ()):
            if child in objectives:
                visit(child, path)
        path.discard(pk)
        contributors = [(*done[c][:2], w) for c, w in links.get(pk, ()) if c in done]
        g, p = objective_score(own.get(pk, []), contributors)
        measured = Measured.of(row[0] for row in own.get(pk, []))
        found = confidences.get(pk)
        done[pk] = (g, p, min(found) if found else None, measured.measured, measured.total)

    for pk in sorted(objectives):
        visit(pk, set())
    names = ["kept_grade", "kept_progress", "kept_confidence", "kept_measured", "kept_total"]
    for pk, objective in objectives.items():
        for name, value in zip(names, done[pk], strict=True):
            setattr(objective, name, value)
    Objective.objects.bulk_update(list(objectives.values()), names, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('goals', '0006_trust_rules'),
    ]

    operations = [
        migrations.AddField(
            model_name='keyresult',
            name='kept_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='keyresult',
            name='kept_confidence',
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='keyresult',
            name='kept_grade',
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='keyresult',
            name='kept_progress',
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='keyresult',
            name='kept_value',
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='objective',
            name='kept_confidence',
            field=models.FloatField(blank=True, editable=False, help_text="The lowest of its key results'.", null=True),
        ),
        migrations.AddField(
            model_name='objective',
            name='kept_grade',
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='objective',
            name='kept_measured',
            field=models.PositiveIntegerField(default=0, editable=False, help_text='Its key results with a value.'),
        ),
        migrations.AddField(
            model_name='objective',
            name='kept_progress',
            field=models.FloatField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='objective',
            name='kept_total',
            field=models.PositiveIntegerField(default=0, editable=False, help_text='Its key results that count (not archived).'),
        ),
        migrations.RunPython(fill_kept_scores, migrations.RunPython.noop),
    ]
