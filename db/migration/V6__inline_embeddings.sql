-- Embeddings stored in the table row instead of the TOAST table (BENCHMARKS.md, "After V6").
--
-- A 512-d vector is 2,056 bytes, just over PostgreSQL's TOAST threshold (about 2,032 bytes), so
-- with the type's default storage (EXTENDED) every embedding was moved out of line: reading one
-- meant a TOAST index lookup and two chunk reads. Every row an HNSW scan returns is read that way,
-- because the executor computes the ORDER BY expression (the halfvec cast) and the exact cosine of
-- the select list from the stored vector. Measured on 60,000 of the benchmark's vectors
-- (pgbench, text-like query vectors, ef_search 150): 101 rows out of the index scan 6.8 ms with
-- TOASTed vectors against 5.8 ms inline; 21 rows 4.5 against 4.4 ms. Hybrid search takes 100
-- rows from the vector side, so it gains most.
--
-- MAIN keeps the value in the row (compressed if that pays, which float data rarely does) and
-- moves it out of line only when the row would not fit a page otherwise (over about 2,000
-- dimensions). Rows written from now on follow it; CLUSTER rewrites the existing rows with it,
-- grouped by model, and rebuilds the table's indexes (at 185,000 512-d vectors on 2 cores the
-- HNSW rebuild takes about 4 minutes; the demo's 9,700 128-d vectors about a second).

ALTER TABLE image_embedding ALTER COLUMN embedding SET STORAGE MAIN;

CLUSTER image_embedding USING image_embedding_model_idx;

ANALYZE image_embedding;
