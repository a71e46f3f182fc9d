ALTER TABLE "submissions" ALTER COLUMN "canonical_csv" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "submissions" ADD COLUMN "predictions" "bytea";--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_content_check" CHECK ("submissions"."canonical_csv" is not null or "submissions"."predictions" is not null);--> statement-breakpoint
-- Predictions are random doubles: compressing them gains nothing and costs CPU.
ALTER TABLE "submissions" ALTER COLUMN "predictions" SET STORAGE EXTERNAL;--> statement-breakpoint
DROP FUNCTION store_submission(text, text, integer, text, text, timestamptz, text, boolean);--> statement-breakpoint
-- store_submission as in 0007 (same locks, same late/selected and stale rules), storing the
-- canonical content as float64 predictions (p_predictions) instead of CSV text; no
-- compression setting is needed any more.
CREATE FUNCTION store_submission(
  p_id text, p_model text, p_round integer, p_predictions bytea, p_sha256 text, p_now timestamptz,
  p_auto boolean
) RETURNS TABLE (id text, round integer, sha256 text, selected boolean, late boolean,
  created_at timestamptz, stale boolean)
LANGUAGE plpgsql AS $$
DECLARE
  v_late boolean;
BEGIN
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
    INSERT INTO submissions AS s (id, model_id, round, predictions, sha256, selected, late)
    VALUES (p_id, p_model, p_round, p_predictions, p_sha256, NOT v_late, v_late)
    RETURNING s.id, s.round, s.sha256, s.selected, s.late, s.created_at, false;
END
$$;
