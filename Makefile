# ingestd: set-up, build, test, demo and benchmarks. `make demo` and `make test` do all set-up
# themselves on a fresh Debian 12 machine with Swift.

SWIFT        ?= swift
CACHE        ?= $(HOME)/.cache/ingestd
VENV         ?= $(CACHE)/venv
LLM_VENV     ?= $(CACHE)/llm-venv
SHARED_DATA  ?= $(abspath $(CURDIR)/../shared/data)
RELEASE_BIN   = $(CURDIR)/.build/release
DEBUG_BIN     = $(CURDIR)/.build/debug

export INGESTD_PYTHON      = $(VENV)/bin/python3
export INGESTD_SHARED_DATA = $(SHARED_DATA)

.PHONY: setup setup-system setup-venv setup-bench setup-llm build release test test-llm demo bench clean bench-ann bench-store bench-learner

setup: setup-system setup-venv

setup-system:
	@scripts/setup-system.sh

setup-venv: setup-system
	@scripts/setup-venv.sh $(VENV) scripts/requirements-test.txt

setup-bench: setup-venv
	@scripts/setup-venv.sh $(VENV) scripts/requirements-test.txt scripts/requirements-bench.txt

build: setup-system
	$(SWIFT) build --build-tests

release: setup-system
	$(SWIFT) build -c release

test: setup
	$(SWIFT) build --build-tests
	INGESTD_BIN_DIR=$(DEBUG_BIN) $(SWIFT) test --skip-build --parallel --num-workers 2
	$(MAKE) test-llm

# The LLM client end to end against a real llama.cpp server (SmolLM2-135M). The venv is built once
# per machine outside the source tree (llama-cpp-python compiles for ~6+ minutes on 2 cores).
setup-llm: setup-system
	@scripts/setup-llm-venv.sh $(LLM_VENV) scripts/requirements-llm.txt

test-llm: setup-llm
	$(SWIFT) build --build-tests
	scripts/llm-server.sh $(LLM_VENV) -- env INGESTD_BIN_DIR=$(DEBUG_BIN) $(SWIFT) test --skip-build --filter LLMServerTests

demo: setup release
	@scripts/demo.sh $(RELEASE_BIN) $(SHARED_DATA)

bench: setup-bench release
	@scripts/bench.sh $(RELEASE_BIN) $(SHARED_DATA)

# ANN comparison (Index): ours vs hnswlib / faiss / usearch on a generated 100k x 128 set.
ANN_DATA     ?= $(CACHE)/ann-100k-128
ANN_THREADS  ?= 1

bench-ann: setup-bench
	$(SWIFT) build -c release --product ingestctl
	@scripts/bench-ann.sh $(RELEASE_BIN) $(VENV)/bin/python3 $(ANN_DATA) $(ANN_THREADS)

bench-store: setup-system
	$(SWIFT) build -c release --product ingestctl
	$(RELEASE_BIN)/ingestctl bench store --json

# Learner only: train-step efficiency (64 and 128 px) and the supervised sanity runs.
bench-learner: setup-system
	$(SWIFT) build -c release --product ingestctl
	$(RELEASE_BIN)/ingestctl bench train-step --image-size 64 --batch 32 --json
	$(RELEASE_BIN)/ingestctl bench train-step --image-size 128 --batch 8 --json
	$(RELEASE_BIN)/ingestctl learner train-supervised --npz $(SHARED_DATA)/images/pneumoniamnist_28px_trainsubset.npz --epochs 6 --json
	$(RELEASE_BIN)/ingestctl learner train-supervised --folder $(SHARED_DATA)/images/NIH1000_64px --epochs 8 --json

clean:
	rm -rf .build

# DICOM: libFuzzer over the buffer entry point (FUZZ_SECONDS, default 10 minutes), and the decode
# benchmark against a C++ loop calling DCMTK directly.
FUZZ_SECONDS ?= 600
.PHONY: fuzz-dicom
fuzz-dicom: setup-venv
	@scripts/fuzz-dicom.sh $(FUZZ_SECONDS)

BENCH_BIN  = $(CURDIR)/.build/bench
DCMTK_LIBS = -ldcmjpeg -lijg8 -lijg12 -lijg16 -ldcmjpls -ldcmtkcharls -ldcmimage -ldcmimgle -ldcmdata -loflog -lofstd

.PHONY: bench-decode
$(BENCH_BIN)/dcmtk-decode-loop: Benchmarks/dcmtk_decode_loop.cpp
	@mkdir -p $(BENCH_BIN)
	g++ -O2 -std=c++17 -o $@ $< $(DCMTK_LIBS)

bench-decode: setup-venv release $(BENCH_BIN)/dcmtk-decode-loop
	@scripts/bench-decode.sh $(RELEASE_BIN) $(BENCH_BIN) $(SHARED_DATA)

# The daemon end to end: phantom studies dropped into the watched folders until searchable, next to
# Orthanc (Debian package, started on loopback by scripts/peers/orthanc.sh) storing the same files.
BENCH_INGEST_STUDIES ?= 2000
.PHONY: bench-ingest
bench-ingest: setup-venv
	$(SWIFT) build -c release --product ingestd
	$(SWIFT) build -c release --product ingestctl
	$(RELEASE_BIN)/ingestctl bench ingest --studies $(BENCH_INGEST_STUDIES) --json

# C-STORE throughput: DCMTK storescu on one association into the real daemon vs into Orthanc
# (scripts/peers/orthanc.sh, TCP_NODELAY), same phantom files, runs alternating in one process.
BENCH_CSTORE_FILES ?= 500
BENCH_CSTORE_RUNS  ?= 3
.PHONY: bench-cstore
bench-cstore: setup-system
	$(SWIFT) build -c release --product ingestd
	$(SWIFT) build -c release --product ingestctl
	$(RELEASE_BIN)/ingestctl bench cstore --phantom $(BENCH_CSTORE_FILES) --runs $(BENCH_CSTORE_RUNS) --json

# Ingest latency (drop → searchable) idle vs while training rounds run (p99 ratio).
BENCH_TRAIN_IMPACT_STUDIES ?= 120
.PHONY: bench-train-impact
bench-train-impact: setup-system
	$(SWIFT) build -c release --product ingestd
	$(SWIFT) build -c release --product ingestctl
	$(RELEASE_BIN)/ingestctl bench train-impact --studies $(BENCH_TRAIN_IMPACT_STUDIES) --json
