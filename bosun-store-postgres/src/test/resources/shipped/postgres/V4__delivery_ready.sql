-- Where a delivery's maximum age starts (SQLite's V5): when it first headed its lane, not when its
-- event was committed, so one that waited behind a stuck head is not dead on its first failure.

ALTER TABLE deliveries ADD COLUMN ready_at BIGINT;

UPDATE deliveries SET ready_at = event_at WHERE state = 'PENDING' AND next_attempt_at IS NOT NULL;
