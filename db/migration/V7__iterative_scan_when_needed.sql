-- pgvector's iterative index scans only where a search needs them (BENCHMARKS.md, "After V7").
--
-- Since V2, search_nearest turned on hnsw.iterative_scan (relaxed_order) for every call, so that a
-- filtered search (split, has caption, minimum size) still returns its full limit when the filter
-- rejects most of the ef_search nearest vectors. With it on, pgvector also keeps every candidate
-- the walk discards, in case the scan has to go on; that bookkeeping costs about 0.2 ms of a
-- 3.2 ms unfiltered query here (pgbench, 185,000 512-d vectors, text-like query vectors, ef_search
-- 150, both settings interleaved in one run: 3.12-3.15 against 3.35-3.37 ms p50).
--
-- Now it is on only when the search can need more than the first walk finds:
--   * a filter is given (as before), or
--   * the search wants more than three quarters of ef_search rows (p_k > 0.75 * ef, ef after
--     being raised to p_k and capped at 1000), which leaves room for the query image that
--     search_similar excludes and for rows deleted but not yet vacuumed.
-- Otherwise it is off, which for such a search gives the same rows in the same order (checked on
-- 600 queries of three kinds at LIMIT 101: identical id lists) without the bookkeeping.
-- Same signature and results; only the setting changes.

CREATE OR REPLACE FUNCTION search_nearest(
    p_query vector, p_k integer, p_model_id bigint, p_dimension integer,
    p_split text, p_has_caption boolean, p_min_width integer, p_min_height integer,
    p_exclude_id text, p_ef_search integer)
RETURNS TABLE (image_id text, distance double precision)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    filtered boolean := p_split IS NOT NULL OR p_has_caption IS NOT NULL
                        OR p_min_width IS NOT NULL OR p_min_height IS NOT NULL;
    ef integer := least(1000, greatest(coalesce(p_ef_search, 150), p_k));
BEGIN
    IF vector_dims(p_query) <> p_dimension THEN
        RAISE EXCEPTION 'the query vector has % dimensions, model % has %',
            vector_dims(p_query), p_model_id, p_dimension USING ERRCODE = '22023';
    END IF;
    PERFORM set_config('hnsw.ef_search', ef::text, true);
    -- pgvector 0.8 has iterative scans; 0.7 has no such setting (and refuses to set it).
    IF current_setting('hnsw.iterative_scan', true) IS NOT NULL THEN
        PERFORM set_config('hnsw.iterative_scan',
            CASE WHEN filtered OR p_k * 4 > ef * 3 THEN 'relaxed_order' ELSE 'off' END, true);
    END IF;
    RETURN QUERY EXECUTE search_nearest_sql(p_dimension, p_model_id, filtered)
    USING p_query, p_split, p_has_caption, p_min_width, p_min_height, p_exclude_id, p_k;
END $$;
