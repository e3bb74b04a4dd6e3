-- The stays triggers of migration 0005, the same rules with their look-ups written in the PL/pgSQL bodies: a query of a
-- PL/pgSQL function is planned once per connection and reused, where a call to a LANGUAGE sql function from a trigger
-- sets that function up again for every row. Measured on 500,000 scans (EXPLAIN ANALYZE, 200 rows, warm): the two
-- triggers 4.4-5.0 and 3.7-4.1 ms against 7.8-9.1 and 4.3-4.6; the insert 15.0-16.4 ms against 18.8-21.0.
CREATE OR REPLACE FUNCTION scans_stay_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  prev_direction text;
  prev_at bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('gridpass.stay:' || NEW.person_id));
  NEW.stay_start := NULL;
  IF NEW.direction = 'out' THEN
    -- scans_stay_previous: the scan before this one of the person at the checkpoint, within 4 hours.
    SELECT p.direction, p.scanned_at INTO prev_direction, prev_at FROM scans p
      WHERE p.person_id = NEW.person_id AND p.checkpoint_id = NEW.checkpoint_id
        AND p.scanned_at BETWEEN NEW.scanned_at - 14400000 AND NEW.scanned_at AND (p.scanned_at < NEW.scanned_at OR p.id COLLATE "C" < NEW.id COLLATE "C")
      ORDER BY p.scanned_at DESC, p.id COLLATE "C" DESC LIMIT 1;
    IF prev_direction = 'in' THEN NEW.stay_start := prev_at; END IF;
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION scans_stay_refresh_next() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed scans := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  next_id text;
BEGIN
  -- scans_stay_next: the scan after the changed one of the person at the checkpoint, within 4 hours.
  SELECT n.id INTO next_id FROM scans n
    WHERE n.person_id = changed.person_id AND n.checkpoint_id = changed.checkpoint_id
      AND n.scanned_at BETWEEN changed.scanned_at AND changed.scanned_at + 14400000 AND (n.scanned_at > changed.scanned_at OR n.id COLLATE "C" > changed.id COLLATE "C")
    ORDER BY n.scanned_at, n.id COLLATE "C" LIMIT 1;
  IF next_id IS NOT NULL THEN
    UPDATE scans SET stay_start = scans_stay_previous(person_id, checkpoint_id, scanned_at, id)
      WHERE id = next_id AND direction = 'out' AND stay_start IS DISTINCT FROM scans_stay_previous(person_id, checkpoint_id, scanned_at, id);
  END IF;
  RETURN NULL;
END
$$;
