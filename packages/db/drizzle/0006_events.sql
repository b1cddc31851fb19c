-- Live updates come from the writes themselves: every change to sweeps, trials (and their epochs in
-- trial_metrics) and workers sends a NOTIFY on the channel 'headroom_events', whoever writes it.
-- NOTIFY is delivered at commit (nothing for a rolled-back write) and identical payloads of one
-- transaction are folded. Payloads (JSON, far below the 8000-byte limit):
--   {"kind": "sweep", "id": S}
--   {"kind": "trial", "sweepId": S, "indexes": [i, …]}   at most 500 indexes each, one per statement
--                                                         and sweep (a 10⁴-trial registration: 20)
--   {"kind": "worker", "id": W}
-- Listeners load the rows named; updated_at orders them.
--
-- updated_at is strictly increasing per row, also at the millisecond precision clients see: a
-- client that subscribed and then queried keeps only events newer than the rows it read.
CREATE FUNCTION headroom_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := greatest(clock_timestamp(), date_trunc('milliseconds', OLD.updated_at) + interval '1 millisecond');
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER sweeps_touch BEFORE UPDATE ON sweeps FOR EACH ROW EXECUTE FUNCTION headroom_touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER trials_touch BEFORE UPDATE ON trials FOR EACH ROW EXECUTE FUNCTION headroom_touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER workers_touch BEFORE UPDATE ON workers FOR EACH ROW EXECUTE FUNCTION headroom_touch_updated_at();
--> statement-breakpoint
CREATE FUNCTION headroom_notify_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('headroom_events', json_build_object('kind', TG_ARGV[0], 'id', NEW.id)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sweeps_notify AFTER INSERT OR UPDATE ON sweeps FOR EACH ROW EXECUTE FUNCTION headroom_notify_row('sweep');
--> statement-breakpoint
CREATE TRIGGER workers_notify AFTER INSERT OR UPDATE ON workers FOR EACH ROW EXECUTE FUNCTION headroom_notify_row('worker');
--> statement-breakpoint
-- One notification per sweep and 500 trials a statement changed, however many rows it wrote.
CREATE FUNCTION headroom_notify_trial_indexes(p_sweep_ids text[], p_indexes integer[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT c.sweep_id, json_agg(c.index ORDER BY c.index) AS indexes
    FROM (
      SELECT u.sweep_id, u.index, (row_number() OVER (PARTITION BY u.sweep_id ORDER BY u.index) - 1) / 500 AS part
      FROM (SELECT DISTINCT * FROM unnest(p_sweep_ids, p_indexes) AS x(sweep_id, index)) u
    ) c
    GROUP BY c.sweep_id, c.part
    ORDER BY c.sweep_id, c.part
  LOOP
    PERFORM pg_notify('headroom_events', json_build_object('kind', 'trial', 'sweepId', r.sweep_id, 'indexes', r.indexes)::text);
  END LOOP;
END $$;
--> statement-breakpoint
CREATE FUNCTION headroom_notify_trials() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM headroom_notify_trial_indexes(array_agg(c.sweep_id), array_agg(c.index)) FROM changed c;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER trials_notify_insert AFTER INSERT ON trials REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION headroom_notify_trials();
--> statement-breakpoint
CREATE TRIGGER trials_notify_update AFTER UPDATE ON trials REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION headroom_notify_trials();
--> statement-breakpoint
CREATE FUNCTION headroom_notify_trial_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM headroom_notify_trial_indexes(array_agg(t.sweep_id), array_agg(t.index))
  FROM changed c JOIN trials t ON t.id = c.trial_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER trial_metrics_notify_insert AFTER INSERT ON trial_metrics REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION headroom_notify_trial_metrics();
--> statement-breakpoint
CREATE TRIGGER trial_metrics_notify_update AFTER UPDATE ON trial_metrics REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION headroom_notify_trial_metrics();
