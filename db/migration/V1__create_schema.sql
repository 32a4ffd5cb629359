-- Schema v1: images, models, per-model embeddings, and the read-only analyst role.
-- Migrations are immutable once landed: change the schema with a new V<n>__<verb>_<object>.sql.

-- pgvector >= 0.7 (0.8 for iterative index scans). Not a trusted extension: on a server where the
-- application user is not a superuser, a superuser runs this once (db/local-postgres does).
CREATE EXTENSION IF NOT EXISTS vector;

-- A CLIP model bundle whose vectors are (being) stored. At most one is 'active' (serving).
CREATE TABLE model (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text        NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    dimension       integer     NOT NULL CHECK (dimension BETWEEN 1 AND 2000),  -- HNSW limit
    state           text        NOT NULL DEFAULT 'indexing'
                                CHECK (state IN ('indexing', 'active', 'retired')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    metrics         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    bundle_location text        NOT NULL
);
-- The database, not the application, guarantees a single active model.
CREATE UNIQUE INDEX model_single_active ON model ((true)) WHERE state = 'active';

-- One figure of the corpus. Ids are corpus ids (ImageCLEF style); the pattern rules out path
-- separators so an id can never address a file outside the image root.
CREATE TABLE image (
    id            text        PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$'),
    split         text        NOT NULL CHECK (split IN ('train', 'validation', 'test')),
    caption       text,
    caption_tsv   tsvector    GENERATED ALWAYS AS (to_tsvector('english', coalesce(caption, ''))) STORED,
    file_location text        NOT NULL,   -- relative to the configured image root; never sent to clients
    width         integer     NOT NULL CHECK (width > 0),
    height        integer     NOT NULL CHECK (height > 0),
    content_hash  bytea       NOT NULL CHECK (length(content_hash) = 32),  -- SHA-256 of the file
    thumbnail     bytea,                  -- JPEG, longest side 256 px
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX image_caption_tsv_idx ON image USING gin (caption_tsv);
CREATE INDEX image_split_idx ON image (split);

-- The vector of an image under a model. The column has no fixed dimension so models of different
-- sizes live side by side; each model gets its own partial HNSW index (see register_model).
CREATE TABLE image_embedding (
    image_id  text   NOT NULL REFERENCES image (id) ON DELETE CASCADE,
    model_id  bigint NOT NULL REFERENCES model (id) ON DELETE CASCADE,
    embedding vector NOT NULL,            -- L2-normalised; cosine distance 0 = identical
    PRIMARY KEY (image_id, model_id)
);
CREATE INDEX image_embedding_model_idx ON image_embedding (model_id);

-- Every stored vector has its model's dimension.
CREATE FUNCTION image_embedding_check_dimension() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    expected integer;
BEGIN
    SELECT dimension INTO expected FROM model WHERE id = NEW.model_id;
    IF expected IS NOT NULL AND vector_dims(NEW.embedding) <> expected THEN
        RAISE EXCEPTION 'embedding of image % has % dimensions, model % expects %',
            NEW.image_id, vector_dims(NEW.embedding), NEW.model_id, expected
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER image_embedding_dimension
    BEFORE INSERT OR UPDATE OF embedding, model_id ON image_embedding
    FOR EACH ROW EXECUTE FUNCTION image_embedding_check_dimension();

-- Name of the HNSW index that serves a model.
CREATE FUNCTION model_index_name(p_model_id bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'image_embedding_hnsw_m' || p_model_id $$;

-- Registers a model in state 'indexing' and creates its HNSW cosine index as a partial expression
-- index, so its vectors are indexed beside the serving model's. Returns the new model id.
CREATE FUNCTION register_model(p_name text, p_dimension integer, p_bundle_location text,
                               p_metrics jsonb DEFAULT '{}'::jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    INSERT INTO model (name, dimension, bundle_location, metrics)
    VALUES (p_name, p_dimension, p_bundle_location, coalesce(p_metrics, '{}'::jsonb))
    RETURNING id INTO new_id;
    EXECUTE format(
        'CREATE INDEX %I ON image_embedding USING hnsw ((embedding::vector(%s)) vector_cosine_ops) '
        'WITH (m = 16, ef_construction = 64) WHERE model_id = %s',
        model_index_name(new_id), p_dimension, new_id);
    RETURN new_id;
END $$;

-- Makes a model the serving one in one transaction; the previously active model is retired
-- (and can be re-activated the same way).
CREATE FUNCTION activate_model(p_model_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM model WHERE id = p_model_id) THEN
        RAISE EXCEPTION 'model % does not exist', p_model_id USING ERRCODE = 'no_data_found';
    END IF;
    UPDATE model SET state = 'retired' WHERE state = 'active' AND id <> p_model_id;
    UPDATE model SET state = 'active' WHERE id = p_model_id;
END $$;

-- Removes a model, its vectors (cascade) and its index.
CREATE FUNCTION drop_model(p_model_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DROP INDEX IF EXISTS %I', model_index_name(p_model_id));
    DELETE FROM model WHERE id = p_model_id;
END $$;

-- Read-only access for analysts (psql). A NOLOGIN group role: give people a login role in it, e.g.
--   CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE analyst;
-- It reads the documented views below (and, from later migrations, calls the search functions);
-- it cannot write anything and never sees file locations or thumbnails.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'analyst') THEN
        CREATE ROLE analyst NOLOGIN;
    END IF;
END $$;

CREATE VIEW image_catalog AS
    SELECT id, split, caption, width, height, created_at FROM image;
COMMENT ON VIEW image_catalog IS 'Corpus images: id, split, caption, size (analyst-readable).';

CREATE VIEW model_catalog AS
    SELECT m.id, m.name, m.dimension, m.state, m.created_at, m.metrics,
           (SELECT count(*) FROM image_embedding e WHERE e.model_id = m.id) AS embedded_images
    FROM model m;
COMMENT ON VIEW model_catalog IS 'Models with their state, metrics and number of embedded images.';

CREATE VIEW image_vector AS
    SELECT e.image_id, e.model_id, e.embedding FROM image_embedding e;
COMMENT ON VIEW image_vector IS 'Image vectors per model (L2-normalised; cosine distance <=>).';

GRANT USAGE ON SCHEMA public TO analyst;
GRANT SELECT ON image_catalog, model_catalog, image_vector TO analyst;
