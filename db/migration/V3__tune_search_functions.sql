-- Search functions, revised after the 185,000-image benchmark (BENCHMARKS.md, make bench-search).
-- Same signatures, same results for the same arguments; what changes:
--
-- 1. search_hybrid_core no longer joins its candidates to image_embedding and image. V2's
--    LEFT JOIN image_embedding was planned as a hash join over every vector of the table (a
--    sequential scan: the planner expects 1,000 rows from search_nearest), 30-60 ms per query at
--    185,000 images. Now every candidate is looked up by primary key, and only where needed: the
--    text candidates keep the rank they were selected by, the vector candidates the distance
--    search_nearest computed (the same expression on the same vectors), so a vector is read only
--    for a text-only candidate and a caption only for a vector-only candidate (its text score)
--    and for the rows of the returned page (ts_headline).
-- 2. The text candidates are cut to the top n (top-N heapsort) before they are numbered; V2
--    numbered them with a window function over a full sort of every matching caption (34,000
--    for a common term).
-- 3. ef_search defaults to 200 (was 100) in search_vector, search_similar, search_hybrid and
--    search_nearest (NULL). At 185,000 clustered 512-d vectors recall@10 of image queries was
--    0.94-0.97 at 100 depending on the (nondeterministic, parallel) HNSW build and 0.976-0.982 at
--    200, for about 1 ms. Callers still pass p_ef_search to override it (1..1000; hnsw.ef_search
--    is never below the number of rows asked for). Hybrid search was already at 200 through its
--    200 vector candidates.
--
-- Unchanged, and why (measured on the benchmark database): text and hybrid search still rank
-- every caption that matches the query with ts_rank_cd before keeping the top rows, as PostgreSQL
-- full-text search has no top-k index scan; a common term (20,000-35,000 matching captions)
-- costs 40 ms of bitmap heap scan plus 1.5-5 us of ts_rank_cd per match on a busy 2-core machine.
-- The tsvector is not the cause: 164 bytes on average, stored inline and uncompressed (no
-- TOAST), and a table of (id, caption_tsv) alone scanned no faster. ts_headline runs for the
-- returned page only, in both functions.

-- The p_k nearest images of a model (see V2); only the default of p_ef_search (NULL) changes.
CREATE OR REPLACE FUNCTION search_nearest(
    p_query vector, p_k integer, p_model_id bigint, p_dimension integer,
    p_split text, p_has_caption boolean, p_min_width integer, p_min_height integer,
    p_exclude_id text, p_ef_search integer)
RETURNS TABLE (image_id text, distance double precision)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF vector_dims(p_query) <> p_dimension THEN
        RAISE EXCEPTION 'the query vector has % dimensions, model % has %',
            vector_dims(p_query), p_model_id, p_dimension USING ERRCODE = '22023';
    END IF;
    PERFORM set_config('hnsw.ef_search',
                       least(1000, greatest(coalesce(p_ef_search, 200), p_k))::text, true);
    -- pgvector 0.8 has iterative scans; 0.7 has no such setting (and refuses to set it).
    IF current_setting('hnsw.iterative_scan', true) IS NOT NULL THEN
        PERFORM set_config('hnsw.iterative_scan', 'relaxed_order', true);
    END IF;
    RETURN QUERY EXECUTE search_nearest_sql(p_dimension, p_model_id)
    USING p_query, p_split, p_has_caption, p_min_width, p_min_height, p_exclude_id, p_k;
END $$;

-- Vector search (see V2); ef_search 200 by default.
CREATE OR REPLACE FUNCTION search_vector(
    p_query vector,
    p_limit integer DEFAULT 20, p_offset integer DEFAULT 0,
    p_split text DEFAULT NULL, p_has_caption boolean DEFAULT NULL,
    p_min_width integer DEFAULT NULL, p_min_height integer DEFAULT NULL,
    p_exclude_id text DEFAULT NULL, p_model_id bigint DEFAULT NULL,
    p_ef_search integer DEFAULT 200)
RETURNS TABLE (image_id text, text_score double precision, vector_score double precision,
               score double precision, snippet text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    m record;
BEGIN
    PERFORM search_check_page(p_limit, p_offset);
    IF p_query IS NULL THEN
        RAISE EXCEPTION 'the query vector is missing' USING ERRCODE = '22023';
    END IF;
    m := search_resolve_model(p_model_id);
    RETURN QUERY
    SELECT n.image_id, NULL::double precision, 1 - n.distance, 1 - n.distance, NULL::text
    FROM search_nearest(p_query, p_limit + p_offset, m.id, m.dimension, p_split, p_has_caption,
                        p_min_width, p_min_height, p_exclude_id, p_ef_search) n
    ORDER BY n.distance, n.image_id
    OFFSET p_offset LIMIT p_limit;
END $$;

-- Hybrid core over a parsed text query (semantics as in V2): the top p_candidates of each index
-- (at least limit + offset) form the candidate set; every candidate gets its exact text score
-- (0 when its caption does not match) and its exact cosine similarity; then
--   'linear': alpha * vector_norm + (1 - alpha) * text_norm, text_norm = text / max(text) and
--             vector_norm = (v - min v) / (max v - min v) over the candidates;
--   'rrf':    1 / (60 + text rank) + 1 / (60 + vector rank), ranks within each candidate list.
-- Pages are stable while limit + offset <= p_candidates.
-- Every lookup of a candidate is a scalar subquery on a primary key, so no plan can scan
-- image or image_embedding whole (SearchFunctionsTest checks the plan).
CREATE OR REPLACE FUNCTION search_hybrid_core(
    tsq tsquery, p_query vector, p_alpha double precision, p_fusion text,
    p_limit integer, p_offset integer,
    p_split text, p_has_caption boolean, p_min_width integer, p_min_height integer,
    p_exclude_id text, p_model_id bigint, p_ef_search integer, p_candidates integer)
RETURNS TABLE (image_id text, text_score double precision, vector_score double precision,
               score double precision, snippet text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    m record;
    n integer;
BEGIN
    PERFORM search_check_page(p_limit, p_offset);
    IF p_alpha IS NULL OR p_alpha < 0 OR p_alpha > 1 THEN
        RAISE EXCEPTION 'alpha must be between 0 and 1, got %', p_alpha USING ERRCODE = '22023';
    END IF;
    IF p_fusion IS NULL OR p_fusion NOT IN ('linear', 'rrf') THEN
        RAISE EXCEPTION 'fusion must be linear or rrf, got %', p_fusion USING ERRCODE = '22023';
    END IF;
    IF p_candidates IS NULL OR p_candidates < 1 OR p_candidates > 1000 THEN
        RAISE EXCEPTION 'candidates must be between 1 and 1000, got %', p_candidates
            USING ERRCODE = '22023';
    END IF;
    IF p_query IS NULL THEN
        RAISE EXCEPTION 'the query vector is missing' USING ERRCODE = '22023';
    END IF;
    m := search_resolve_model(p_model_id);
    n := greatest(p_candidates, p_limit + p_offset);
    RETURN QUERY
    WITH text_top AS (
        -- ts_rank_cd of every matching caption, top n kept by a bounded (top-N heap) sort
        SELECT i.id, ts_rank_cd(i.caption_tsv, tsq, 1 | 32) AS r
        FROM image i
        WHERE numnode(tsq) > 0 AND i.caption_tsv @@ tsq
          AND (p_split IS NULL OR i.split = p_split)
          AND (p_has_caption IS NULL OR (i.caption IS NOT NULL AND i.caption <> '') = p_has_caption)
          AND (p_min_width IS NULL OR i.width >= p_min_width)
          AND (p_min_height IS NULL OR i.height >= p_min_height)
          AND (p_exclude_id IS NULL OR i.id <> p_exclude_id)
        ORDER BY r DESC, i.id
        LIMIT n),
    text_candidates AS (
        SELECT t.id, t.r, row_number() OVER (ORDER BY t.r DESC, t.id) AS rank
        FROM text_top t),
    vector_candidates AS (
        SELECT v.image_id AS id, v.distance,
               row_number() OVER (ORDER BY v.distance, v.image_id) AS rank
        FROM search_nearest(p_query, n, m.id, m.dimension, p_split, p_has_caption, p_min_width,
                            p_min_height, p_exclude_id, p_ef_search) v),
    candidates AS (
        SELECT coalesce(t.id, v.id) AS id, t.rank AS text_rank, v.rank AS vector_rank,
               t.r, v.distance
        FROM text_candidates t
        FULL JOIN vector_candidates v ON v.id = t.id),
    looked_up AS MATERIALIZED (  -- evaluated once per candidate, not again in the filter
        SELECT c.id, c.text_rank, c.vector_rank,
               -- a text candidate's score is the rank it was selected by; a vector-only
               -- candidate's caption may still match (below the top n): score it. NULL only
               -- if the image was deleted since search_nearest ran (dropped below, as V2's join
               -- dropped it).
               CASE WHEN c.text_rank IS NOT NULL THEN c.r::double precision
                    ELSE (SELECT CASE WHEN i.caption_tsv @@ tsq
                                      THEN ts_rank_cd(i.caption_tsv, tsq, 1 | 32) ELSE 0 END
                          FROM image i WHERE i.id = c.id)::double precision
               END AS ts,
               -- NULL when a text-only candidate has no vector under the model yet
               CASE WHEN c.vector_rank IS NOT NULL THEN (1 - c.distance)::double precision
                    ELSE (SELECT (1 - (e.embedding <=> p_query))::double precision
                          FROM image_embedding e WHERE e.image_id = c.id AND e.model_id = m.id)
               END AS vs
        FROM candidates c),
    scored AS (
        SELECT * FROM looked_up WHERE ts IS NOT NULL),
    bounds AS (
        SELECT max(ts) AS max_ts, min(vs) AS min_vs, max(vs) AS max_vs FROM scored),
    fused AS (
        SELECT s.id, s.ts, s.vs,
               CASE WHEN p_fusion = 'rrf' THEN
                   coalesce(1.0 / (60 + s.text_rank), 0) + coalesce(1.0 / (60 + s.vector_rank), 0)
               ELSE
                   p_alpha * CASE WHEN s.vs IS NULL THEN 0
                                  WHEN b.max_vs > b.min_vs THEN (s.vs - b.min_vs) / (b.max_vs - b.min_vs)
                                  ELSE 1 END
                   + (1 - p_alpha) * CASE WHEN b.max_ts > 0 THEN s.ts / b.max_ts ELSE 0 END
               END::double precision AS f
        FROM scored s CROSS JOIN bounds b),
    page AS (
        SELECT * FROM fused ORDER BY f DESC, id LIMIT p_limit OFFSET p_offset)
    SELECT p.id, p.ts, p.vs, p.f,
           CASE WHEN numnode(tsq) > 0 AND p.ts > 0 THEN
               ts_headline('english', (SELECT i.caption FROM image i WHERE i.id = p.id), tsq,
                           'StartSel=<mark>, StopSel=</mark>, MaxWords=40, MinWords=15, MaxFragments=2')
           END
    FROM page p
    ORDER BY p.f DESC, p.id;
END $$;

-- Hybrid search (see V2); ef_search 200 by default.
CREATE OR REPLACE FUNCTION search_hybrid(
    p_query text, p_query_vector vector,
    p_alpha double precision DEFAULT 0.5, p_fusion text DEFAULT 'linear',
    p_limit integer DEFAULT 20, p_offset integer DEFAULT 0,
    p_split text DEFAULT NULL, p_has_caption boolean DEFAULT NULL,
    p_min_width integer DEFAULT NULL, p_min_height integer DEFAULT NULL,
    p_model_id bigint DEFAULT NULL, p_ef_search integer DEFAULT 200,
    p_candidates integer DEFAULT 200)
RETURNS TABLE (image_id text, text_score double precision, vector_score double precision,
               score double precision, snippet text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT * FROM search_hybrid_core(search_parse_query(p_query), p_query_vector, p_alpha,
        p_fusion, p_limit, p_offset, p_split, p_has_caption, p_min_width, p_min_height, NULL,
        p_model_id, p_ef_search, p_candidates)
$$;

-- Images similar to a corpus image (see V2); ef_search 200 by default.
CREATE OR REPLACE FUNCTION search_similar(
    p_image_id text, p_mode text DEFAULT 'image',
    p_alpha double precision DEFAULT 0.5, p_fusion text DEFAULT 'linear',
    p_limit integer DEFAULT 20, p_offset integer DEFAULT 0,
    p_split text DEFAULT NULL, p_has_caption boolean DEFAULT NULL,
    p_min_width integer DEFAULT NULL, p_min_height integer DEFAULT NULL,
    p_model_id bigint DEFAULT NULL, p_ef_search integer DEFAULT 200,
    p_candidates integer DEFAULT 200)
RETURNS TABLE (image_id text, text_score double precision, vector_score double precision,
               score double precision, snippet text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    m record;
    source_vector vector;
    source_caption text;
BEGIN
    IF p_mode IS NULL OR p_mode NOT IN ('image', 'image_text') THEN
        RAISE EXCEPTION 'mode must be image or image_text, got %', p_mode USING ERRCODE = '22023';
    END IF;
    m := search_resolve_model(p_model_id);
    SELECT i.caption INTO source_caption FROM image i WHERE i.id = p_image_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'image % does not exist', p_image_id USING ERRCODE = 'P0002';
    END IF;
    SELECT e.embedding INTO source_vector
    FROM image_embedding e WHERE e.image_id = p_image_id AND e.model_id = m.id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'image % has no vector under model % yet', p_image_id, m.id
            USING ERRCODE = 'P0002';
    END IF;
    IF p_mode = 'image' THEN
        RETURN QUERY SELECT * FROM search_vector(source_vector, p_limit, p_offset, p_split,
            p_has_caption, p_min_width, p_min_height, p_image_id, m.id, p_ef_search);
    ELSE
        RETURN QUERY SELECT * FROM search_hybrid_core(search_caption_query(source_caption),
            source_vector, p_alpha, p_fusion, p_limit, p_offset, p_split, p_has_caption,
            p_min_width, p_min_height, p_image_id, m.id, p_ef_search, p_candidates);
    END IF;
END $$;

-- CREATE OR REPLACE keeps each function's owner and privileges (V2's REVOKE and GRANT stand).
