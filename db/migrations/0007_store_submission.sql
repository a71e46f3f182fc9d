-- Stores a submission in one statement (one round trip instead of BEGIN, lock, insert, COMMIT).
-- The round row is read FOR SHARE (a close waits for it, or it waits for the close and reads the
-- round closed), the model row FOR NO KEY UPDATE (two submissions of one model are stored one
-- after the other). A PL/pgSQL function takes a new snapshot per statement under READ COMMITTED,
-- so the UPDATE after a lock wait sees the row the other one inserted.
-- Returns no row when the round or model does not exist.
-- p_auto: the caller picked the round itself (the open round, else the newest closed one) from
-- what it saw earlier. Under the round lock the function checks that the rule still gives that
-- round; if not (another round opened or closed meanwhile) it writes nothing and returns one row
-- with stale = true, and the caller looks the round up again.
CREATE FUNCTION store_submission(
  p_id text, p_model text, p_round integer, p_csv text, p_sha256 text, p_now timestamptz,
  p_compression text, p_auto boolean
) RETURNS TABLE (id text, round integer, sha256 text, selected boolean, late boolean,
  created_at timestamptz, stale boolean)
LANGUAGE plpgsql AS $$
DECLARE
  v_late boolean;
BEGIN
  PERFORM set_config('default_toast_compression', p_compression, true);
  SELECT (r.status <> 'open' OR r.closes_at <= p_now) INTO v_late
  FROM rounds r, models m
  WHERE r.number = p_round AND m.id = p_model
  FOR SHARE OF r FOR NO KEY UPDATE OF m;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF p_auto AND p_round IS DISTINCT FROM (
    SELECT t.number FROM (
      SELECT r2.number, r2.status FROM rounds r2
      WHERE r2.status IN ('open', 'closed') ORDER BY r2.number DESC LIMIT 2
    ) t
    ORDER BY (t.status = 'open') DESC, t.number DESC LIMIT 1
  ) THEN
    RETURN QUERY SELECT NULL::text, NULL::integer, NULL::text, NULL::boolean, NULL::boolean,
      NULL::timestamptz, true;
    RETURN;
  END IF;
  IF NOT v_late THEN
    UPDATE submissions s SET selected = false
    WHERE s.model_id = p_model AND s.round = p_round AND s.selected;
  END IF;
  RETURN QUERY
    INSERT INTO submissions AS s (id, model_id, round, canonical_csv, sha256, selected, late)
    VALUES (p_id, p_model, p_round, p_csv, p_sha256, NOT v_late, v_late)
    RETURNING s.id, s.round, s.sha256, s.selected, s.late, s.created_at, false;
END
$$;
