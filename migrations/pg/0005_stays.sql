-- Stays kept by the database: scans.stay_start is, for an "out" whose previous scan of the same person at the same
-- checkpoint (in time order, equal times by id) is an "in" at most 4 hours (14,400,000 ms) earlier, that "in"'s time
-- (docs/tracing.md). Contact tracing reads stays from it instead of pairing every scan's neighbours.
ALTER TABLE "scans" ADD COLUMN "stay_start" bigint;--> statement-breakpoint
UPDATE "scans" s SET "stay_start" = x.prev_at FROM (
    SELECT id, direction, scanned_at, lag(direction) OVER w AS prev_direction, lag(scanned_at) OVER w AS prev_at FROM "scans"
    WINDOW w AS (PARTITION BY person_id, checkpoint_id ORDER BY scanned_at, id COLLATE "C")
  ) x
  WHERE s.id = x.id AND x.direction = 'out' AND x.prev_direction = 'in' AND x.scanned_at - x.prev_at <= 14400000;--> statement-breakpoint
CREATE INDEX "scans_checkpoint_stay_ix" ON "scans" USING btree ("checkpoint_id","stay_start","scanned_at") WHERE stay_start IS NOT NULL;--> statement-breakpoint
-- The stay_start of an "out" from its previous scan. Scans of one person are written one transaction at a time
-- (an advisory lock until commit), so two copies of the service writing that person's scans at once each see the other's.
CREATE FUNCTION scans_stay_previous(person text, checkpoint text, at bigint, scan text) RETURNS bigint LANGUAGE sql AS $$
  SELECT CASE WHEN p.direction = 'in' THEN p.scanned_at END FROM scans p
    WHERE p.person_id = person AND p.checkpoint_id = checkpoint
      AND p.scanned_at BETWEEN at - 14400000 AND at AND (p.scanned_at < at OR p.id COLLATE "C" < scan COLLATE "C")
    ORDER BY p.scanned_at DESC, p.id COLLATE "C" DESC LIMIT 1
$$;--> statement-breakpoint
-- The scan after (person, checkpoint, at, scan) within 4 hours.
CREATE FUNCTION scans_stay_next(person text, checkpoint text, at bigint, scan text) RETURNS text LANGUAGE sql AS $$
  SELECT n.id FROM scans n
    WHERE n.person_id = person AND n.checkpoint_id = checkpoint
      AND n.scanned_at BETWEEN at AND at + 14400000 AND (n.scanned_at > at OR n.id COLLATE "C" > scan COLLATE "C")
    ORDER BY n.scanned_at, n.id COLLATE "C" LIMIT 1
$$;--> statement-breakpoint
CREATE FUNCTION scans_stay_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('gridpass.stay:' || NEW.person_id));
  NEW.stay_start := CASE WHEN NEW.direction = 'out' THEN scans_stay_previous(NEW.person_id, NEW.checkpoint_id, NEW.scanned_at, NEW.id) END;
  RETURN NEW;
END
$$;--> statement-breakpoint
-- After an insert or a delete, the next scan of that person at that checkpoint has a new previous scan: a scan that
-- arrives late (an offline batch), or the one before a removed scan (the retention purge, a person erased). Its id is
-- found first: in a WHERE clause a volatile function would be called once per row of the table.
CREATE FUNCTION scans_stay_refresh_next() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed scans := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  next_id text := scans_stay_next(changed.person_id, changed.checkpoint_id, changed.scanned_at, changed.id);
BEGIN
  IF next_id IS NOT NULL THEN
    UPDATE scans SET stay_start = scans_stay_previous(person_id, checkpoint_id, scanned_at, id)
      WHERE id = next_id AND direction = 'out' AND stay_start IS DISTINCT FROM scans_stay_previous(person_id, checkpoint_id, scanned_at, id);
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER scans_stay_before_insert BEFORE INSERT ON "scans" FOR EACH ROW EXECUTE FUNCTION scans_stay_before_insert();--> statement-breakpoint
CREATE TRIGGER scans_stay_after_change AFTER INSERT OR DELETE ON "scans" FOR EACH ROW EXECUTE FUNCTION scans_stay_refresh_next();
