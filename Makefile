# Neuromod — the two quick-start commands and a few helpers.
#   make run    install system packages if missing, build in release, run the default model
#   make test   install system packages if missing, run the test suite
#   make notebooks  run every exportable study and refresh Notebooks-export/ (about 3 h)
.PHONY: run test build release notebooks clean

MODEL ?= Models/thesis/sinusoid.yaml

run: release
	.build/release/neuromod run $(MODEL) --force

test:
	bash scripts/setup.sh
	swift test

build:
	bash scripts/setup.sh
	swift build

release:
	bash scripts/setup.sh
	swift build -c release

notebooks:
	bash scripts/notebooks.sh

clean:
	rm -rf .build runs
