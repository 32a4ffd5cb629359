# MedCLIP search: one command per intent. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# DJL's PyTorch engine must never contact an outside address (it does at start-up without these).
export DJL_OFFLINE := true
export OPT_OUT_TRACKING := true
# libtorch's OpenMP threads wait passively instead of spinning (3.5x faster training on busy cores).
export OMP_WAIT_POLICY ?= PASSIVE

MVN ?= mvn -B -ntp
RUN_DIR := .run

.PHONY: help setup setup-run setup-system setup-frontend db-start db-stop db-status db-psql db-reset \
        build run stop ingest test test-java test-frontend test-e2e bench-model bench-preprocess bench-search bench-train format clean

help: ## List every target
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

setup: setup-system setup-frontend ## Install everything missing: apt packages, pgvector, npm packages (Maven fetches its own)

setup-run: setup-frontend ## What `make run` needs: as setup, but without Chromium (only the browser tests use it)
	@scripts/setup-system --no-browser

setup-system: ## apt packages (PostgreSQL 15, server headers, Chromium) and pgvector 0.8.0 from source
	@scripts/setup-system

setup-frontend: ## npm ci against the committed lockfile (skipped when node_modules matches it)
	@frontend/scripts/npm-ci-if-needed

db-start: ## Start the project's PostgreSQL (port 55432) and create its databases
	@db/local-postgres start

db-stop: ## Stop the project's PostgreSQL
	@db/local-postgres stop

db-status: ## Is the project's PostgreSQL running?
	@db/local-postgres status

db-psql: ## psql into the app database
	@db/local-postgres psql

db-reset: ## Delete the project's database cluster and start a fresh one
	@db/local-postgres reset

build: setup-frontend ## Build all modules and the SPA (no tests)
	@$(MVN) -q -DskipTests -Dspotless.check.skip=true install

run: setup-run db-start ## The main job: set up, database, build, demo corpus + model (once), ingest, app at :8080
	@MVN="$(MVN)" scripts/run-demo --build

stop: ## Stop what `make run` started (the backend and the database)
	@scripts/run-backend --stop
	@db/local-postgres stop

ingest: ## Ingest an ImageCLEF-layout folder into the running backend: make ingest DATA=<folder> [MODEL=<id>]
	@[ -n "$(DATA)" ] || { echo "Usage: make ingest DATA=<folder under MEDCLIP_IMAGES_ROOT> [MODEL=<id>]" >&2; exit 1; }
	@scripts/ingest "$(DATA)" $(MODEL)

test: setup db-start ## Every test: Java unit + integration (real PostgreSQL), frontend unit + browser tests, formatting
	@db/local-postgres recreate-test-db
	@$(MAKE) --no-print-directory test-java test-frontend test-e2e

test-java: ## Java tests of every module and the Spotless format check (needs db-start)
	@$(MVN) verify

test-frontend: ## Frontend lint (ESLint, Prettier), Vitest tests, and the typed API client is current
	@cd frontend && npm run --silent lint && npm run --silent test
	@cd frontend && npm run --silent api:check

bench-model: ## Model benchmarks (ONNX Runtime images/s and text latency, DJL step time) -> stdout
	@$(MVN) -q -pl clip install -DskipTests -Dspotless.check.skip=true
	@MAVEN_OPTS="-Xmx10g" $(MVN) -q -pl training test-compile exec:java -Dspotless.check.skip=true \
	  -Dexec.classpathScope=test -Dexec.mainClass=org.medclip.training.bench.ClipBench \
	  -Dexec.args="$(BENCH_ARGS)"

bench-preprocess: ## Preprocessing benchmark: 512x512 PNG decode + CLIP preprocess, 1 vs 2 threads
	@$(MVN) -q -pl clip test-compile -Dspotless.check.skip=true
	@java -cp clip/target/classes:clip/target/test-classes org.medclip.clip.image.PreprocessBench 9 60

bench-train: ## Training samples/s (demo, its 4x-MLP variant, ViT-B/32), background loader vs synchronous, time per phase
	@scripts/bench-train

bench-search: ## Search at 185,000 images: REST p50/p99 and req/s (1 and 8 clients), recall@10, HNSW build
	@scripts/bench-search

test-e2e: ## Browser tests (Debian chromium) of the SPA, the search-quality check, and make run's main job on a new database (needs test-java or build)
	@scripts/e2e
	@scripts/e2e-quality
	@scripts/e2e-demo

format: ## Format Java (google-java-format) and TypeScript (Prettier)
	@$(MVN) -q spotless:apply
	@cd frontend && npx prettier --write . >/dev/null

clean: ## Remove build outputs (keeps the database)
	@$(MVN) -q clean
	@rm -rf frontend/dist $(RUN_DIR)
