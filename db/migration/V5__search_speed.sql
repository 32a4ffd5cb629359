-- Hybrid and vector search, revised after the second round of the 185,000-image benchmark
-- (BENCHMARKS.md, make bench-search). Where a hybrid call's time went (one query matching 368
-- captions, EXPLAIN ANALYZE): the vector side 5.9 ms (200 rows out of the HNSW scan, each read
-- from the table), the text side 3.2 ms, 200 primary-key lookups of candidates 1.5 ms. What changes:
--
-- 1. Hybrid search ranks the top 100 candidates of each side by default (p_candidates, was 200;
--    still at least limit + offset, so deeper pages get more). Every row pgvector's HNSW scan
--    returns beyond the first costs 10-20 us here, so the vector side's time halves; its
--    hnsw.ef_search stays 200, so the 100 candidates are as exact as before.
-- 2. When the text side found fewer than n matching captions, every match is a text candidate,
--    so a vector-only candidate's text score is 0 without looking its caption up (the same result
--    as before, up to n primary-key lookups saved; most queries match a few hundred captions).
-- 3. search_hybrid_core's statement is planned once per session (a generic plan) instead of at
--    every call: planning the statement took about 1 ms of each call, and its plan does not
--    depend on the arguments (the caption index for the text side, primary keys for every lookup;
--    checked on the benchmark database and on the 9,700-image demo database).
-- 4. search_nearest reads only image_embedding when no filter is given (split, has caption,
--    minimum width or height): the join to image served the filters alone (an embedding cannot
--    outlive its image: ON DELETE CASCADE).
-- 5. Every model's HNSW index is built with ef_construction = 256 (was 64) and existing indexes
--    are rebuilt (225 s at 185,000 512-d vectors on 2 cores, was 55 s). On the benchmark's
--    clustered vectors the graph built at 64 left part of the data hard to reach: recall@10 of
--    image queries stopped at 0.98 even at ef_search 1000, and text-like queries (vectors across
--    CLIP's modality gap from the images) got 0.72 at ef_search 200. At ef_construction 128 they
--    get 0.93 at 200; at 256, 0.999 (image queries 0.999-1.000).
-- 6. ef_search defaults to 150 (was 200) in search_vector, search_hybrid, search_similar and
--    search_nearest: on the graph of point 5, recall@10 at 150 is 0.999-1.000 for image and
--    text-like queries alike (0.92 for text-like queries at 100), for 0.1-0.8 ms less a call.
-- Same signatures and the same results for the same arguments (only the defaults of p_candidates
-- and p_ef_search change; a better graph finds the exact neighbours more often).

CREATE OR REPLACE FUNCTION model_index_sql(p_model_id bigint, p_dimension integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT format(
        'CREATE INDEX %I ON image_embedding USING hnsw ((embedding::halfvec(%s)) halfvec_cosine_ops) '
        'WITH (m = 16, ef_construction = 256) WHERE model_id = %s',
        model_index_name(p_model_id), p_dimension, p_model_id)
$$;

DO $$
DECLARE
    m record;
BEGIN
    FOR m IN SELECT id, dimension FROM model ORDER BY id LOOP
        EXECUTE format('DROP INDEX IF EXISTS %I', model_index_name(m.id));
        EXECUTE model_index_sql(m.id, m.dimension);
    END LOOP;
END $$;

-- The statement of V4 (p_filtered true), or the same without the join to image (the filter
-- parameters $2 to $5 are then unused; search_nearest passes them either way).
CREATE FUNCTION search_nearest_sql(p_dimension integer, p_model_id bigint, p_filtered boolean)
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_filtered THEN search_nearest_sql(p_dimension, p_model_id)
    ELSE format($q$
        SELECT e.image_id, (e.embedding::vector(%1$s) <=> $1::vector(%1$s))::double precision
        FROM image_embedding e
        WHERE e.model_id = %2$s
          AND ($6::text IS NULL OR e.image_id <> $6)
        ORDER BY e.embedding::halfvec(%1$s) <=> $1::halfvec(%1$s)
        LIMIT $7 $q$, p_dimension, p_model_id)
    END
$$;

-- The p_k nearest images of a model (see V2 and V3); only the statement's choice changes.
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
                       least(1000, greatest(coalesce(p_ef_search, 150), p_k))::text, true);
    -- pgvector 0.8 has iterative scans; 0.7 has no such setting (and refuses to set it).
    IF current_setting('hnsw.iterative_scan', true) IS NOT NULL THEN
        PERFORM set_config('hnsw.iterative_scan', 'relaxed_order', true);
    END IF;
    RETURN QUERY EXECUTE search_nearest_sql(p_dimension, p_model_id,
        p_split IS NOT NULL OR p_has_caption IS NOT NULL OR p_min_width IS NOT NULL
        OR p_min_height IS NOT NULL)
    USING p_query, p_split, p_has_caption, p_min_width, p_min_height, p_exclude_id, p_k;
END $$;

-- Vector search (see V2); ef_search 150 by default.
CREATE OR REPLACE FUNCTION search_vector(
    p_query vector,
    p_limit integer DEFAULT 20, p_offset integer DEFAULT 0,
    p_split text DEFAULT NULL, p_has_caption boolean DEFAULT NULL,
    p_min_width integer DEFAULT NULL, p_min_height integer DEFAULT NULL,
    p_exclude_id text DEFAULT NULL, p_model_id bigint DEFAULT NULL,
    p_ef_search integer DEFAULT 150)
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

-- Hybrid core (see V3), with points 2 and 3.
CREATE OR REPLACE FUNCTION search_hybrid_core(
    tsq tsquery, p_query vector, p_alpha double precision, p_fusion text,
    p_limit integer, p_offset integer,
    p_split text, p_has_caption boolean, p_min_width integer, p_min_height integer,
    p_exclude_id text, p_model_id bigint, p_ef_search integer, p_candidates integer)
RETURNS TABLE (image_id text, text_score double precision, vector_score double precision,
               score double precision, snippet text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
SET plan_cache_mode = force_generic_plan AS $$
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
    WITH text_top AS MATERIALIZED (
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
    text_complete AS (  -- fewer than n matches: every matching caption is a text candidate
        SELECT count(*) < n AS all_matches FROM text_top),
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
               -- a text candidate's score is the rank it was selected by. A vector-only
               -- candidate scores 0 when the text side found fewer than n matches (all of them
               -- are text candidates); otherwise its caption may still match below the top n:
               -- score it. NULL only if the image was deleted since search_nearest ran
               -- (dropped below, as V2's join dropped it).
               CASE WHEN c.text_rank IS NOT NULL THEN c.r::double precision
                    WHEN (SELECT all_matches FROM text_complete) THEN 0
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

-- Hybrid search (see V2); 100 candidates a side and ef_search 150 by default.
CREATE OR REPLACE FUNCTION search_hybrid(
    p_query text, p_query_vector vector,
    p_alpha double precision DEFAULT 0.5, p_fusion text DEFAULT 'linear',
    p_limit integer DEFAULT 20, p_offset integer DEFAULT 0,
    p_split text DEFAULT NULL, p_has_caption boolean DEFAULT NULL,
    p_min_width integer DEFAULT NULL, p_min_height integer DEFAULT NULL,
    p_model_id bigint DEFAULT NULL, p_ef_search integer DEFAULT 150,
    p_candidates integer DEFAULT 100)
RETURNS TABLE (image_id text, text_score double precision, vector_score double precision,
               score double precision, snippet text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT * FROM search_hybrid_core(search_parse_query(p_query), p_query_vector, p_alpha,
        p_fusion, p_limit, p_offset, p_split, p_has_caption, p_min_width, p_min_height, NULL,
        p_model_id, p_ef_search, p_candidates)
$$;

-- Images similar to a corpus image (see V2); ef_search 150 and (image_text) 100 candidates a
-- side by default.
CREATE OR REPLACE FUNCTION search_similar(
    p_image_id text, p_mode text DEFAULT 'image',
    p_alpha double precision DEFAULT 0.5, p_fusion text DEFAULT 'linear',
    p_limit integer DEFAULT 20, p_offset integer DEFAULT 0,
    p_split text DEFAULT NULL, p_has_caption boolean DEFAULT NULL,
    p_min_width integer DEFAULT NULL, p_min_height integer DEFAULT NULL,
    p_model_id bigint DEFAULT NULL, p_ef_search integer DEFAULT 150,
    p_candidates integer DEFAULT 100)
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
