"""Database rules that a CHECK constraint cannot express: heartbeats lie inside their period and
never overlap another heartbeat of the same team's calendar."""

from django.db import migrations

MESSAGE_OUTSIDE = "heartbeat must lie inside its period"
MESSAGE_OVERLAP = "heartbeat overlaps another heartbeat of the same team"

SQLITE_TRIGGER = """
CREATE TRIGGER heartbeat_rules_{event} BEFORE {event} ON heartbeats_heartbeat
BEGIN
  SELECT RAISE(ABORT, '{outside}') WHERE EXISTS (
    SELECT 1 FROM goals_period p WHERE p.id = NEW.period_id
      AND (NEW.start < p.start OR NEW."end" > p."end"));
  SELECT RAISE(ABORT, '{overlap}') WHERE EXISTS (
    SELECT 1 FROM heartbeats_heartbeat h WHERE h.team_id = NEW.team_id {not_self}
      AND h.start <= NEW."end" AND h."end" >= NEW.start);
END;
"""

POSTGRES_FUNCTION = f"""
CREATE FUNCTION heartbeat_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- One writer per team calendar at a time, so that two concurrent inserts cannot both pass.
  PERFORM pg_advisory_xact_lock(hashtext('okrs.heartbeat'), NEW.team_id::int);
  IF EXISTS (SELECT 1 FROM goals_period p WHERE p.id = NEW.period_id
             AND (NEW.start < p.start OR NEW."end" > p."end")) THEN
    RAISE EXCEPTION '{MESSAGE_OUTSIDE}' USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM heartbeats_heartbeat h WHERE h.team_id = NEW.team_id
             AND h.id <> NEW.id AND h.start <= NEW."end" AND h."end" >= NEW.start) THEN
    RAISE EXCEPTION '{MESSAGE_OVERLAP}' USING ERRCODE = 'exclusion_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER heartbeat_rules BEFORE INSERT OR UPDATE ON heartbeats_heartbeat
  FOR EACH ROW EXECUTE FUNCTION heartbeat_rules();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
        return
    for event, not_self in (("INSERT", ""), ("UPDATE", "AND h.id <> NEW.id")):
        schema_editor.execute(
            SQLITE_TRIGGER.format(
                event=event, not_self=not_self, outside=MESSAGE_OUTSIDE, overlap=MESSAGE_OVERLAP
            )
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS heartbeat_rules ON heartbeats_heartbeat")
        schema_editor.execute("DROP FUNCTION IF EXISTS heartbeat_rules()")
        return
    for event in ("INSERT", "UPDATE"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS heartbeat_rules_{event}")


class Migration(migrations.Migration):
    dependencies = [("heartbeats", "0001_initial"), ("goals", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
