# Neuromod — the two quick-start commands and a few helpers.
#   make run    install system packages if missing, build in release, run the default model
#   make test   install system packages if missing, run the test suite (and the core tests on the portable kernels)
#   make release    build every product in release (swift build -c release; the hot loops pick AVX-512, AVX2 or portable code at run time)
#   make notebooks  run every exportable study and refresh Notebooks-export/ (about 3.5 h)
#   make fuzz   build the libFuzzer targets (Fuzz/) and run each for FUZZ_SECONDS (default 600)
#   make fuzz-ci    the same, 25 s per target (CI runs it after `make test`)
#   make docs   build the DocC documentation of Neuromod and NeuromodTasks; any warning fails it
#   make consumer-check  build and run Examples/ in a package that depends on a tagged clone of HEAD
.PHONY: run test build release notebooks clean fuzz fuzz-ci fuzz-build docs consumer-check

SHELL := /bin/bash
FUZZ_TARGETS ?= spec gzip idx csv pixels
FUZZ_SECONDS ?= 600
FUZZ_RSS_MB ?= 2048

MODEL ?= Models/thesis/sinusoid.yaml

run: release
	.build/release/neuromod run $(MODEL) --force

# Then the core tests again on the portable kernels (≈ 30 s), so that the level a CPU without AVX2
# runs stays tested on machines that have it, and the kernels compiled as a release build compiles
# them held to the bits of the unoptimized build the tests ran (a few seconds; docs/kernels.md).
test:
	bash scripts/setup.sh
	swift test
	NEUROMOD_KERNELS=portable swift test --skip-build --filter NeuromodTests
	bash scripts/kernel-bits/check.sh

build:
	bash scripts/setup.sh
	swift build

release:
	bash scripts/setup.sh
	swift build -c release

notebooks:
	bash scripts/notebooks.sh

# Archives in .build/plugins/Swift-DocC/outputs/ (swift-docc-plugin; docc comes with the toolchain).
docs:
	bash scripts/setup.sh
	swift package generate-documentation --target Neuromod --target NeuromodTasks --warnings-as-errors

# Not part of `make test`: it needs a git checkout (it tags a copy of HEAD) and checks commits only.
consumer-check:
	bash scripts/setup.sh
	bash scripts/consumer-check.sh

# Sanitizer flags go on the command line so that the main package needs no unsafe flags; lld
# because gold cannot link SwiftPM's renamed main beside libFuzzer. Each run grows its own corpus
# in Fuzz/.build/corpus/TARGET (the seeds in Tests/Fixtures/fuzz/TARGET are only read) and writes
# what it finds (crash-*, timeout-*, oom-*) into Fuzz/.build/findings/; any finding fails the run.
fuzz-build:
	bash scripts/setup.sh
	cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -use-ld=lld

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p Fuzz/.build/corpus/$$t Fuzz/.build/findings; \
	  echo "== fuzz-$$t for $(FUZZ_SECONDS) s"; \
	  Fuzz/.build/release/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=$(FUZZ_RSS_MB) \
	    -print_final_stats=1 -artifact_prefix=Fuzz/.build/findings/$$t- \
	    $$( [ $$t = spec ] && echo -dict=Fuzz/spec.dict ) \
	    Fuzz/.build/corpus/$$t Tests/Fixtures/fuzz/$$t 2>&1 | tee Fuzz/.build/fuzz-$$t.log \
	    | grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|ERROR|SUMMARY|^stat::' ; \
	  [ $${PIPESTATUS[0]} -eq 0 ] || { echo "fuzz-$$t found a problem: see Fuzz/.build/fuzz-$$t.log"; exit 1; }; \
	done

fuzz-ci:
	$(MAKE) fuzz FUZZ_SECONDS=25

clean:
	rm -rf .build runs Fuzz/.build
