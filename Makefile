# ingestd: set-up, build, test, demo and benchmarks. `make demo` and `make test` do all set-up
# themselves on a fresh Debian 12 machine with Swift.

SWIFT        ?= swift
CACHE        ?= $(HOME)/.cache/ingestd
VENV         ?= $(CACHE)/venv
SHARED_DATA  ?= $(abspath $(CURDIR)/../shared/data)
RELEASE_BIN   = $(CURDIR)/.build/release
DEBUG_BIN     = $(CURDIR)/.build/debug

export INGESTD_PYTHON      = $(VENV)/bin/python3
export INGESTD_SHARED_DATA = $(SHARED_DATA)

.PHONY: setup setup-system setup-venv setup-bench build release test demo bench bench-learner clean

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

demo: setup release
	@scripts/demo.sh $(RELEASE_BIN) $(SHARED_DATA)

bench: setup-bench release
	@scripts/bench.sh $(RELEASE_BIN) $(SHARED_DATA)

# Learner only: train-step efficiency (64 and 128 px) and the supervised sanity runs.
bench-learner: setup-system
	$(SWIFT) build -c release --product ingestctl
	$(RELEASE_BIN)/ingestctl bench train-step --image-size 64 --batch 32 --json
	$(RELEASE_BIN)/ingestctl bench train-step --image-size 128 --batch 8 --json
	$(RELEASE_BIN)/ingestctl learner train-supervised --npz $(SHARED_DATA)/images/pneumoniamnist_28px_trainsubset.npz --epochs 6 --json
	$(RELEASE_BIN)/ingestctl learner train-supervised --folder $(SHARED_DATA)/images/NIH1000_64px --epochs 8 --json

clean:
	rm -rf .build
