# imhub: `make run` builds and starts the server, `make test` runs every test.
BUILD ?= build
DATA ?= data
LISTEN ?= 127.0.0.1:8080
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
# CI builds with warnings as errors, so the warning count stays at zero (.ci/run sets CI=true).
WERROR ?= $(if $(CI),ON,OFF)
CONFIGURE = cmake -S . -B $(BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIMHUB_WERROR=$(WERROR)

.PHONY: all deps deps-test configure web-dist build build-all run test unit integration test-pg e2e web fuzz readme examples \
	package package-check bench fmt fmt-check layers lint coverage-doc coverage-check clean

all: build

# Only what building and serving need; the test packages come with `make test`.
deps:
	@bash scripts/deps.sh run

deps-test:
	@bash scripts/deps.sh test

# Configured again each time (quick): it finds GoogleTest once `make test` has installed it.
configure:
	@$(CONFIGURE) >/dev/null

# The browser client, when web/package.json exists: web/dist, which the binary serves (skipped
# while the last build in web/dist is newer than web/'s sources; scripts/build_web.sh).
web-dist: deps
	@bash scripts/build_web.sh

# The server binary, and the browser client beside it.
build: deps web-dist configure
	cmake --build $(BUILD) -j2 --target imhub

# Everything: the binary and the unit tests.
build-all: deps-test configure
	cmake --build $(BUILD) -j2

run: build
	@$(BUILD)/imhub init --data $(DATA)
	$(BUILD)/imhub serve --data $(DATA) --listen $(LISTEN)

unit: build-all
	cd $(BUILD) && ctest --output-on-failure

integration: build-all
	cd tests/integration && node --test --test-concurrency=1 *.test.mjs

# The same integration, e2e, example and web (Playwright) suites on the PostgreSQL store: each file against fresh databases of
# a private server (tests/pg/, docs/postgresql.md "Tests on PostgreSQL"); then the PostgreSQL-only
# tests of tests/pg/ (failover: a primary and its synchronous standby of their own).
test-pg: build-all
	bash tests/pg/integration.sh
	cd tests/e2e && (npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent)
	bash tests/pg/run.sh sh -c 'cd tests/e2e && node --test --test-concurrency=1 *.test.mjs'
	bash tests/pg/run.sh sh -c 'cd examples && node --test --test-concurrency=1 *.test.mjs'
	$(MAKE) --no-print-directory web-dist
	cd tests/web && (npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent)
	bash tests/pg/run.sh sh -c 'cd tests/web && node --test --test-concurrency=1 *.test.mjs'
	cd tests/pg && node --test --test-concurrency=1 *.test.mjs

e2e: build-all
	cd tests/e2e && (npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent) && node --test --test-concurrency=1 *.test.mjs

# The web messenger in headless Chromium (Debian's chromium, driven by playwright-core), against
# the binary serving web/dist; screenshots land in tests/web/artifacts/.
# The client is built as `make build` builds it (web-dist: skipped while web/dist is fresh).
web: build-all web-dist
	cd web && ([ -d node_modules ] || npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent)
	cd web && npx vitest run --passWithNoTests
	cd tests/web && (npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent) && node --test --test-concurrency=1 *.test.mjs

# The README's shell examples, run in order against a fresh server (tests/readme/).
readme: build-all
	cd tests/readme && node --test --test-concurrency=1 *.test.mjs

# The example bots of examples/, each against a fresh server.
examples: build-all
	cd tests/e2e && (npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent)
	cd examples && node --test --test-concurrency=1 *.test.mjs

fuzz: deps-test
	cmake -S . -B $(BUILD)-fuzz $(GENERATOR) -DCMAKE_CXX_COMPILER=clang++ -DIMHUB_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD)-fuzz -j2 --target fuzz_decode
	$(BUILD)-fuzz/fuzz_decode -max_total_time=$${FUZZ_SECONDS:-20} -max_len=4096 tests/fuzz/corpus

# A .deb of the binary, the systemd unit, /etc/imhub/imhub.toml, /var/lib/imhub and, when web/dist
# was built, the browser client in /usr/share/imhub/web.
package: build
	cd $(BUILD) && cpack -G DEB
	@ls $(BUILD)/imhub_*.deb

# Extracts the .deb and runs the binary from it: --version, init, serve, /healthz.
package-check: package
	bash scripts/check_package.sh $(BUILD)

test: build-all
	$(MAKE) --no-print-directory lint unit integration e2e test-pg web readme examples fuzz coverage-check package-check

# Includes go one way (docs/architecture.md, "Layers"); the check itself is tested on a back-edge.
layers:
	bash scripts/check_layers.sh
	bash tests/layers/check_layers_test.sh

lint: layers fmt-check

coverage-doc: build
	$(BUILD)/imhub coverage > docs/api-coverage.md

coverage-check: build
	@$(BUILD)/imhub coverage | diff -u docs/api-coverage.md - && echo "docs/api-coverage.md is up to date"

bench: build-all
	bash scripts/deps.sh bench
	bash bench/run.sh

fmt:
	find src tests examples \( -name '*.cpp' -o -name '*.hpp' \) -not -path '*/node_modules/*' | xargs clang-format -i

fmt-check:
	@find src tests examples \( -name '*.cpp' -o -name '*.hpp' \) -not -path '*/node_modules/*' | xargs clang-format --dry-run --Werror && echo "clang-format: clean"

clean:
	rm -rf $(BUILD) $(BUILD)-fuzz
