# qlikops: see README.md. `make demo` and `make test` work on a fresh machine
# with Go and Node.js installed.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/qlikops/qlikops/pkg/cli.Version=$(VERSION) -X github.com/qlikops/qlikops/pkg/qlik.Version=$(VERSION)

# Fuzz targets as package:Target. `make test` runs their seed corpora as
# ordinary tests; `make fuzz-short` runs each for FUZZ_SHORT inputs
# (a count, not a duration: a time limit can end a run mid-input and fail it);
# `make fuzz` runs each for FUZZTIME.
FUZZ_TARGETS := ./pkg/snapshot:FuzzDecodeFile ./pkg/resource:FuzzSlug ./pkg/secrets:FuzzPlaceholders \
                ./pkg/archive:FuzzUnpack ./pkg/kinds:FuzzNormalize
FUZZ_SHORT ?= 3000x
FUZZTIME   ?= 2m

.PHONY: build demo test unit race conformance lint bench fuzz fuzz-short clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/qlikops ./cmd/qlikops
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/qliksim ./cmd/qliksim

demo: build
	$(GO) run ./examples/demo --qlikops bin/qlikops --qliksim bin/qliksim --seed examples/demo-tenant

# The conformance check runs beside the Go tests, not after them: it is
# mostly waiting (one node process per test file, one file at a time, about
# 20 s of CPU in a minute or more), so on two cores it costs little next to
# the Go tests. Its output is held back and printed when both are done.
test: lint
	@log=$$(mktemp); \
	$(MAKE) --no-print-directory conformance >$$log 2>&1 & conf=$$!; \
	$(MAKE) --no-print-directory unit; unit=$$?; \
	wait $$conf; c=$$?; cat $$log; rm -f $$log; \
	if [ $$c -ne 0 ]; then echo "make test: conformance failed (exit $$c)"; fi; \
	[ $$unit -eq 0 ] && [ $$c -eq 0 ]

lint:
	@out=$$(gofmt -l cmd pkg schemas examples); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# make test must stay under four minutes on two cores, and the race detector
# multiplies the cost of the slowest tests (the CLI scripts run qlikops
# hundreds of times as child processes; the fault, kill and retention
# simulations). So unit runs every test once without it, then again under
# -race the packages whose own code is concurrent: the client and its rate
# scheduler, the store and its lock, the apply executor, the simulator core,
# alert delivery and the fleet runner. `make race` runs everything with -race.
RACE_PKGS := ./pkg/qlik ./pkg/store ./pkg/apply ./pkg/sim/core ./pkg/notify ./pkg/fleet ./pkg/retention

unit:
	$(GO) test -count=1 -timeout 15m ./...
	$(GO) test -race -count=1 -timeout 15m $(RACE_PKGS)

race:
	$(GO) test -race -count=1 -timeout 30m ./...

conformance:
	bash testdata/conformance/run.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./...

fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZ_SHORT)

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

clean:
	rm -rf bin
