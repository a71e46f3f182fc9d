-- Stores a submission in one statement (one round trip instead of BEGIN, lock, insert, COMMIT).
-- Same rules as before: the round row is read FOR SHARE (a close waits for it, or it waits for
-- the close and reads the round closed), the model row FOR NO KEY UPDATE (two submissions of one
-- model are stored one after the other). A PL/pgSQL function takes a new snapshot per statement
-- under READ COMMITTED, so the UPDATE after a lock wait sees the row the other one inserted.
-- Returns no row when the round or model does not exist.
CREATE FUNCTION store_submission(
  p_id text, p_model text, p_round integer, p_csv text, p_sha256 text, p_now timestamptz,
  p_compression text
) RETURNS TABLE (id text, round integer, sha256 text, selected boolean, late boolean,
  created_at timestamptz)
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
  IF NOT v_late THEN
    UPDATE submissions s SET selected = false
    WHERE s.model_id = p_model AND s.round = p_round AND s.selected;
  END IF;
  RETURN QUERY
    INSERT INTO submissions AS s (id, model_id, round, canonical_csv, sha256, selected, late)
    VALUES (p_id, p_model, p_round, p_csv, p_sha256, NOT v_late, v_late)
    RETURNING s.id, s.round, s.sha256, s.selected, s.late, s.created_at;
END
$$;
