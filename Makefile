# Neuromod — the two quick-start commands and a few helpers.
#   make run    install system packages if missing, build in release, run the default model
#   make test   install system packages if missing, run the test suite
.PHONY: run test build release clean

MODEL ?= Models/thesis/sinusoid.yaml

run: release
	.build/release/neuromod run $(MODEL)

test:
	bash scripts/setup.sh
	swift test

build:
	bash scripts/setup.sh
	swift build

release:
	bash scripts/setup.sh
	swift build -c release

clean:
	rm -rf .build runs
