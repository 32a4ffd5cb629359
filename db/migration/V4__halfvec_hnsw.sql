-- HNSW indexes over half-precision copies of the vectors (pgvector's halfvec), revised after the
-- 185,000-image benchmark (BENCHMARKS.md, make bench-search). What changes:
--
-- 1. register_model indexes (embedding::halfvec(d)) with halfvec_cosine_ops instead of
--    (embedding::vector(d)) with vector_cosine_ops. The table keeps the full-precision vectors;
--    only the index stores 2 bytes a dimension: half the size, so half the memory traffic while
--    the graph is walked. Existing models' indexes are rebuilt below (a few minutes at 185,000
--    images; writes to image_embedding wait meanwhile).
-- 2. search_nearest_sql walks that index (ORDER BY the same halfvec expression) but still returns
--    the exact full-precision cosine distance of each row, and every caller re-sorts by it. The
--    index order differs from the exact order only between vectors whose distances agree to about
--    three decimals.
-- Same signatures; scores are unchanged (still computed on the stored vectors).

CREATE OR REPLACE FUNCTION register_model(p_name text, p_dimension integer, p_bundle_location text,
                                          p_metrics jsonb DEFAULT '{}'::jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    INSERT INTO model (name, dimension, bundle_location, metrics)
    VALUES (p_name, p_dimension, p_bundle_location, coalesce(p_metrics, '{}'::jsonb))
    RETURNING id INTO new_id;
    EXECUTE model_index_sql(new_id, p_dimension);
    RETURN new_id;
END $$;

-- The CREATE INDEX statement of a model's HNSW index (also what a REINDEX-style rebuild runs).
CREATE FUNCTION model_index_sql(p_model_id bigint, p_dimension integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT format(
        'CREATE INDEX %I ON image_embedding USING hnsw ((embedding::halfvec(%s)) halfvec_cosine_ops) '
        'WITH (m = 16, ef_construction = 64) WHERE model_id = %s',
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

CREATE OR REPLACE FUNCTION search_nearest_sql(p_dimension integer, p_model_id bigint) RETURNS text
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
        ORDER BY e.embedding::halfvec(%1$s) <=> $1::halfvec(%1$s)
        LIMIT $7 $q$, p_dimension, p_model_id)
$$;
