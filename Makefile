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

.PHONY: setup setup-system setup-venv setup-bench build release test demo bench clean

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
