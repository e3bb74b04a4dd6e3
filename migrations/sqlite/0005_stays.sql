-- Stays kept by the database: scans.stay_start is, for an "out" whose previous scan of the same person at the same
-- checkpoint (in time order, equal times by id) is an "in" at most 4 hours (14,400,000 ms) earlier, that "in"'s time
-- (docs/tracing.md). Contact tracing reads stays from it instead of looking up every scan's neighbour.
-- The look-ups go through scans_person_scanned_ix: "+checkpoint_id" keeps SQLite from walking a busy checkpoint's
-- hours through scans_checkpoint_scanned_ix instead, which it prefers on a database without statistics.
ALTER TABLE `scans` ADD `stay_start` integer;--> statement-breakpoint
UPDATE `scans` SET `stay_start` = (SELECT CASE WHEN p.direction = 'in' THEN p.scanned_at END FROM scans p
    WHERE p.person_id = scans.person_id AND +p.checkpoint_id = scans.checkpoint_id
      AND p.scanned_at BETWEEN scans.scanned_at - 14400000 AND scans.scanned_at AND (p.scanned_at < scans.scanned_at OR p.id < scans.id)
    ORDER BY p.scanned_at DESC, p.id DESC LIMIT 1)
  WHERE direction = 'out';--> statement-breakpoint
CREATE INDEX `scans_checkpoint_stay_ix` ON `scans` (`checkpoint_id`,`stay_start`,`scanned_at`) WHERE stay_start IS NOT NULL;--> statement-breakpoint
-- A new scan: its own stay_start when it is an "out", and the stay_start of the scan after it (a scan that arrives
-- late, from an offline batch, becomes the previous scan of the one after it).
CREATE TRIGGER `scans_stay_insert` AFTER INSERT ON `scans`
BEGIN
  UPDATE scans SET stay_start = (SELECT CASE WHEN p.direction = 'in' THEN p.scanned_at END FROM scans p
      WHERE p.person_id = NEW.person_id AND +p.checkpoint_id = NEW.checkpoint_id
        AND p.scanned_at BETWEEN NEW.scanned_at - 14400000 AND NEW.scanned_at AND (p.scanned_at < NEW.scanned_at OR p.id < NEW.id)
      ORDER BY p.scanned_at DESC, p.id DESC LIMIT 1)
    WHERE NEW.direction = 'out' AND rowid = NEW.rowid;
  UPDATE scans SET stay_start = CASE WHEN NEW.direction = 'in' THEN NEW.scanned_at END
    WHERE rowid = (SELECT n.rowid FROM scans n
        WHERE n.person_id = NEW.person_id AND +n.checkpoint_id = NEW.checkpoint_id
          AND n.scanned_at BETWEEN NEW.scanned_at AND NEW.scanned_at + 14400000 AND (n.scanned_at > NEW.scanned_at OR n.id > NEW.id)
        ORDER BY n.scanned_at, n.id LIMIT 1)
      AND direction = 'out' AND stay_start IS NOT (CASE WHEN NEW.direction = 'in' THEN NEW.scanned_at END);
END;--> statement-breakpoint
-- A removed scan (the retention purge, a person erased): the scan after it gets a new previous scan.
CREATE TRIGGER `scans_stay_delete` AFTER DELETE ON `scans`
BEGIN
  UPDATE scans SET stay_start = (SELECT CASE WHEN p.direction = 'in' THEN p.scanned_at END FROM scans p
      WHERE p.person_id = scans.person_id AND +p.checkpoint_id = scans.checkpoint_id
        AND p.scanned_at BETWEEN scans.scanned_at - 14400000 AND scans.scanned_at AND (p.scanned_at < scans.scanned_at OR p.id < scans.id)
      ORDER BY p.scanned_at DESC, p.id DESC LIMIT 1)
    WHERE rowid = (SELECT n.rowid FROM scans n
        WHERE n.person_id = OLD.person_id AND +n.checkpoint_id = OLD.checkpoint_id
          AND n.scanned_at BETWEEN OLD.scanned_at AND OLD.scanned_at + 14400000 AND (n.scanned_at > OLD.scanned_at OR n.id > OLD.id)
        ORDER BY n.scanned_at, n.id LIMIT 1)
      AND direction = 'out';
END;
