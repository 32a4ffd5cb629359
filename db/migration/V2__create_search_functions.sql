-- The search engine, in SQL: caption text, vector, hybrid (linear blend or reciprocal rank fusion)
-- and image-to-image. The backend calls these functions; analysts call them from psql.
--
-- Every function returns rows of (image_id, text_score, vector_score, score, snippet), ordered by
-- score descending, then image_id ascending (deterministic ties):
--   text_score   ts_rank_cd(caption, query, 1|32): length-normalised cover density in [0, 1);
--                NULL in pure vector mode
--   vector_score cosine similarity 1 - (a <=> b) in [-1, 1]; NULL in pure text mode
--   score        the value the rows are ordered by (the fused score in hybrid mode)
--   snippet      the caption with matched terms between <mark> and </mark> (NULL without a text
--                query); the rest is the caption's raw text, to be escaped by HTML clients
-- Pages: p_limit 1..100, p_offset >= 0. Ask for p_limit + 1 rows to learn whether more exist.
-- Filters (NULL = any): p_split, p_has_caption, p_min_width, p_min_height.

-- Errors carry SQLSTATE 22023 (invalid_parameter_value) or P0002 (no_data_found) and a sentence
-- meant for people.
CREATE FUNCTION search_check_page(p_limit integer, p_offset integer) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 100 THEN
        RAISE EXCEPTION 'limit must be between 1 and 100, got %', p_limit USING ERRCODE = '22023';
    END IF;
    IF p_offset IS NULL OR p_offset < 0 THEN
        RAISE EXCEPTION 'offset must be 0 or more, got %', p_offset USING ERRCODE = '22023';
    END IF;
END $$;

-- websearch_to_tsquery of a user's query ("quoted phrases", OR, -excluded words), refusing empty
-- input. A query of stop words only gives an empty tsquery (numnode = 0), which matches nothing.
CREATE FUNCTION search_parse_query(p_query text) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_query IS NULL OR btrim(p_query) = '' THEN
        RAISE EXCEPTION 'the text query is empty' USING ERRCODE = '22023';
    END IF;
    RETURN websearch_to_tsquery('english', p_query);
END $$;

-- An OR query of a caption's lexemes: the text side of "similar image + caption" (a whole caption
-- as an AND query would match little but the image itself).
CREATE FUNCTION search_caption_query(p_caption text) RETURNS tsquery
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(
        (SELECT string_agg('''' || replace(replace(l, '\', '\\'), '''', '''''') || '''', ' | ')
         FROM (SELECT unnest(tsvector_to_array(to_tsvector('english', coalesce(p_caption, '')))) AS l
               LIMIT 64) lexemes)::tsquery,
        ''::tsquery)
$$;

-- The model a search runs against: the given one, or the active one.
CREATE FUNCTION search_resolve_model(p_model_id bigint, OUT id bigint, OUT dimension integer)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_model_id IS NULL THEN
        SELECT m.id, m.dimension INTO id, dimension FROM model m WHERE m.state = 'active';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no model is active: ingest a corpus with a model and activate it'
                USING ERRCODE = 'P0002';
        END IF;
    ELSE
        SELECT m.id, m.dimension INTO id, dimension FROM model m WHERE m.id = p_model_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'model % does not exist', p_model_id USING ERRCODE = 'P0002';
        END IF;
    END IF;
END $$;

-- Caption text search: websearch_to_tsquery + ts_rank_cd, with ts_headline snippets.
CREATE FUNCTION search_text(
    p_query text,
    p_limit integer DEFAULT 20, p_offset integer DEFAULT 0,
    p_split text DEFAULT NULL, p_has_caption boolean DEFAULT NULL,
    p_min_width integer DEFAULT NULL, p_min_height integer DEFAULT NULL)
RETURNS TABLE (image_id text, text_score double precision, vector_score double precision,
               score double precision, snippet text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    tsq tsquery := search_parse_query(p_query);
BEGIN
    PERFORM search_check_page(p_limit, p_offset);
    IF numnode(tsq) = 0 OR p_has_caption IS FALSE THEN
        RETURN;  -- stop words only, or only uncaptioned images asked for: nothing can match
    END IF;
    RETURN QUERY
    WITH hits AS (
        SELECT i.id, i.caption, ts_rank_cd(i.caption_tsv, tsq, 1 | 32)::double precision AS r
        FROM image i
        WHERE i.caption_tsv @@ tsq
          AND (p_split IS NULL OR i.split = p_split)
          AND (p_min_width IS NULL OR i.width >= p_min_width)
          AND (p_min_height IS NULL OR i.height >= p_min_height)
        ORDER BY r DESC, i.id
        LIMIT p_limit OFFSET p_offset)
    SELECT h.id, h.r, NULL::double precision, h.r,
           ts_headline('english', h.caption, tsq,
                       'StartSel=<mark>, StopSel=</mark>, MaxWords=40, MinWords=15, MaxFragments=2')
    FROM hits h
    ORDER BY h.r DESC, h.id;
END $$;

-- The statement search_nearest runs for a model (parameters $1 query vector, $2 split,
-- $3 has caption, $4 min width, $5 min height, $6 excluded id, $7 k). The dimension is a literal
-- so the expression matches the model's partial HNSW index; tests EXPLAIN this very text.
CREATE FUNCTION search_nearest_sql(p_dimension integer, p_model_id bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT format($q$
        SELECT e.image_id, (e.embedding::vector(%1$s) <=> $1::vector(%1$s))::double precision
        FROM image_embedding e
        JOIN image i ON i.id = e.image_id
        WHERE e.model_id = %2$s
          AND ($2::text IS NULL OR i.split = $2)
          AND ($3::boolean IS NULL OR (i.caption IS NOT NULL AND i.caption <> '') = $3)
          AND ($4::integer IS NULL OR i.width >= $4)
          AND ($5::integer IS NULL OR i.height >= $5)
          AND ($6::text IS NULL OR e.image_id <> $6)
        ORDER BY e.embedding::vector(%1$s) <=> $1::vector(%1$s)
        LIMIT $7 $q$, p_dimension, p_model_id)
$$;

-- The p_k nearest images of a model by cosine distance through its HNSW index (internal: the
-- callers validate). hnsw.ef_search is set for this transaction only (at least p_k), and iterative
-- index scans (pgvector 0.8) keep filtered queries returning p_k rows. relaxed_order may return
-- rows slightly out of order: callers re-sort by distance.
CREATE FUNCTION search_nearest(
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
                       least(1000, greatest(coalesce(p_ef_search, 100), p_k))::text, true);
    -- pgvector 0.8 has iterative scans; 0.7 has no such setting (and refuses to set it).
    IF current_setting('hnsw.iterative_scan', true) IS NOT NULL THEN
        PERFORM set_config('hnsw.iterative_scan', 'relaxed_order', true);
    END IF;
    RETURN QUERY EXECUTE search_nearest_sql(p_dimension, p_model_id)
    USING p_query, p_split, p_has_caption, p_min_width, p_min_height, p_exclude_id, p_k;
END $$;

-- Vector search: nearest images to a query vector (a text or an uploaded image embedded by the
-- model), cosine similarity as score. p_exclude_id leaves one image out (image-to-image).
CREATE FUNCTION search_vector(
    p_query vector,
    p_limit integer DEFAULT 20, p_offset integer DEFAULT 0,
    p_split text DEFAULT NULL, p_has_caption boolean DEFAULT NULL,
    p_min_width integer DEFAULT NULL, p_min_height integer DEFAULT NULL,
    p_exclude_id text DEFAULT NULL, p_model_id bigint DEFAULT NULL,
    p_ef_search integer DEFAULT 100)
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

-- Hybrid core over a parsed text query: the top p_candidates of each index (at least
-- limit + offset) form the candidate set; every candidate gets its exact text score (0 when its
-- caption does not match) and its exact cosine similarity; then
--   'linear': alpha * vector_norm + (1 - alpha) * text_norm, text_norm = text / max(text) and
--             vector_norm = (v - min v) / (max v - min v) over the candidates (the study's
--             "linear interpolation"); alpha 0 orders as text search, alpha 1 as vector search;
--   'rrf':    1 / (60 + text rank) + 1 / (60 + vector rank), ranks within each candidate list.
-- Pages are stable while limit + offset <= p_candidates.
CREATE FUNCTION search_hybrid_core(
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
    WITH text_candidates AS (
        SELECT i.id, row_number() OVER (ORDER BY ts_rank_cd(i.caption_tsv, tsq, 1 | 32) DESC, i.id) AS rank
        FROM image i
        WHERE numnode(tsq) > 0 AND i.caption_tsv @@ tsq
          AND (p_split IS NULL OR i.split = p_split)
          AND (p_has_caption IS NULL OR (i.caption IS NOT NULL AND i.caption <> '') = p_has_caption)
          AND (p_min_width IS NULL OR i.width >= p_min_width)
          AND (p_min_height IS NULL OR i.height >= p_min_height)
          AND (p_exclude_id IS NULL OR i.id <> p_exclude_id)
        ORDER BY ts_rank_cd(i.caption_tsv, tsq, 1 | 32) DESC, i.id
        LIMIT n),
    vector_candidates AS (
        SELECT v.image_id AS id, row_number() OVER (ORDER BY v.distance, v.image_id) AS rank
        FROM search_nearest(p_query, n, m.id, m.dimension, p_split, p_has_caption, p_min_width,
                            p_min_height, p_exclude_id, p_ef_search) v),
    candidates AS (
        SELECT c.id, t.rank AS text_rank, v.rank AS vector_rank
        FROM (SELECT id FROM text_candidates UNION SELECT id FROM vector_candidates) c
        LEFT JOIN text_candidates t ON t.id = c.id
        LEFT JOIN vector_candidates v ON v.id = c.id),
    scored AS (
        SELECT c.id, c.text_rank, c.vector_rank, i.caption,
               CASE WHEN i.caption_tsv @@ tsq THEN ts_rank_cd(i.caption_tsv, tsq, 1 | 32) ELSE 0 END::double precision AS ts,
               (1 - (e.embedding <=> p_query))::double precision AS vs
        FROM candidates c
        JOIN image i ON i.id = c.id
        LEFT JOIN image_embedding e ON e.image_id = c.id AND e.model_id = m.id),
    bounds AS (
        SELECT max(ts) AS max_ts, min(vs) AS min_vs, max(vs) AS max_vs FROM scored),
    fused AS (
        SELECT s.id, s.caption, s.ts, s.vs,
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
               ts_headline('english', p.caption, tsq,
                           'StartSel=<mark>, StopSel=</mark>, MaxWords=40, MinWords=15, MaxFragments=2')
           END
    FROM page p
    ORDER BY p.f DESC, p.id;
END $$;

-- Hybrid search of a user's text query and its vector (the text embedded by the model, or an
-- uploaded image's vector with an optional text).
CREATE FUNCTION search_hybrid(
    p_query text, p_query_vector vector,
    p_alpha double precision DEFAULT 0.5, p_fusion text DEFAULT 'linear',
    p_limit integer DEFAULT 20, p_offset integer DEFAULT 0,
    p_split text DEFAULT NULL, p_has_caption boolean DEFAULT NULL,
    p_min_width integer DEFAULT NULL, p_min_height integer DEFAULT NULL,
    p_model_id bigint DEFAULT NULL, p_ef_search integer DEFAULT 100,
    p_candidates integer DEFAULT 200)
RETURNS TABLE (image_id text, text_score double precision, vector_score double precision,
               score double precision, snippet text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT * FROM search_hybrid_core(search_parse_query(p_query), p_query_vector, p_alpha,
        p_fusion, p_limit, p_offset, p_split, p_has_caption, p_min_width, p_min_height, NULL,
        p_model_id, p_ef_search, p_candidates)
$$;

-- Images similar to a corpus image, which is left out of its own results:
--   p_mode 'image'      its stored vector alone (vector search);
--   p_mode 'image_text' hybrid of its vector and its caption (as an OR query of the caption's
--                       terms), as in the reference study.
CREATE FUNCTION search_similar(
    p_image_id text, p_mode text DEFAULT 'image',
    p_alpha double precision DEFAULT 0.5, p_fusion text DEFAULT 'linear',
    p_limit integer DEFAULT 20, p_offset integer DEFAULT 0,
    p_split text DEFAULT NULL, p_has_caption boolean DEFAULT NULL,
    p_min_width integer DEFAULT NULL, p_min_height integer DEFAULT NULL,
    p_model_id bigint DEFAULT NULL, p_ef_search integer DEFAULT 100,
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

-- Only the application (owner) and analysts may run searches.
REVOKE EXECUTE ON FUNCTION
    search_text(text, integer, integer, text, boolean, integer, integer),
    search_vector(vector, integer, integer, text, boolean, integer, integer, text, bigint, integer),
    search_hybrid(text, vector, double precision, text, integer, integer, text, boolean, integer,
                  integer, bigint, integer, integer),
    search_similar(text, text, double precision, text, integer, integer, text, boolean, integer,
                   integer, bigint, integer, integer),
    search_nearest(vector, integer, bigint, integer, text, boolean, integer, integer, text, integer),
    search_hybrid_core(tsquery, vector, double precision, text, integer, integer, text, boolean,
                       integer, integer, text, bigint, integer, integer)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    search_text(text, integer, integer, text, boolean, integer, integer),
    search_vector(vector, integer, integer, text, boolean, integer, integer, text, bigint, integer),
    search_hybrid(text, vector, double precision, text, integer, integer, text, boolean, integer,
                  integer, bigint, integer, integer),
    search_similar(text, text, double precision, text, integer, integer, text, boolean, integer,
                   integer, bigint, integer, integer)
    TO analyst;
