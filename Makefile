# qlikops: see README.md. `make demo` and `make test` work on a fresh machine
# with Go and Node.js installed.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/qlikops/qlikops/pkg/cli.Version=$(VERSION) -X github.com/qlikops/qlikops/pkg/qlik.Version=$(VERSION)

.PHONY: build demo test unit conformance lint bench fuzz clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/qlikops ./cmd/qlikops
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/qliksim ./cmd/qliksim

demo: build
	$(GO) run ./examples/demo --qlikops bin/qlikops --qliksim bin/qliksim --seed examples/demo-tenant

test: lint unit conformance

lint:
	@out=$$(gofmt -l cmd pkg schemas examples); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 ./...

conformance:
	bash testdata/conformance/run.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
