# imhub: `make run` builds and starts the server, `make test` runs every test.
BUILD ?= build
DATA ?= data
LISTEN ?= 127.0.0.1:8080
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: all deps build run test unit integration e2e fuzz bench fmt fmt-check coverage-doc coverage-check clean

all: build

deps:
	@bash scripts/deps.sh

$(BUILD)/build.ninja $(BUILD)/Makefile:
	cmake -S . -B $(BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j2

run: build
	@$(BUILD)/imhub init --data $(DATA)
	$(BUILD)/imhub serve --data $(DATA) --listen $(LISTEN)

unit: build
	cd $(BUILD) && ctest --output-on-failure

integration: build
	cd tests/integration && node --test --test-concurrency=1 *.test.mjs

e2e: build
	cd tests/e2e && (npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent) && node --test --test-concurrency=1 *.test.mjs

fuzz: deps
	cmake -S . -B $(BUILD)-fuzz $(GENERATOR) -DCMAKE_CXX_COMPILER=clang++ -DIMHUB_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD)-fuzz -j2 --target fuzz_decode
	$(BUILD)-fuzz/fuzz_decode -max_total_time=$${FUZZ_SECONDS:-20} -max_len=4096 tests/fuzz/corpus

test: build
	$(MAKE) --no-print-directory unit integration e2e fuzz coverage-check

coverage-doc: build
	$(BUILD)/imhub coverage > docs/api-coverage.md

coverage-check: build
	@$(BUILD)/imhub coverage | diff -u docs/api-coverage.md - && echo "docs/api-coverage.md is up to date"

bench: build
	IMHUB_BENCH=1 bash scripts/deps.sh
	bash bench/run.sh

fmt:
	find src tests -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

fmt-check:
	find src tests -name '*.cpp' -o -name '*.hpp' | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD) $(BUILD)-fuzz
