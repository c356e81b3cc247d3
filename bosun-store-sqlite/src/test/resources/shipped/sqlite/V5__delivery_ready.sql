-- Where a delivery's maximum age starts: when it first headed its lane (could first be sent), not
-- when its event was committed, so one that waited behind a stuck head is not dead-lettered on its
-- first failure. Set by the promotion of a lane's head; reset by a retry by hand.

ALTER TABLE deliveries ADD COLUMN ready_at INTEGER;

UPDATE deliveries SET ready_at = event_at WHERE state = 'PENDING' AND next_attempt_at IS NOT NULL;
