# The two quick-start commands (each installs missing system packages first):
#   make featurize   run featurize on the images in Fixtures/ (features in .out/fixtures)
#   make test        run the test suite
# Benchmarks: see docs/benchmarks.md.

OUT ?= .out/fixtures

.PHONY: featurize test deps release clean

deps:
	@scripts/install-deps.sh

featurize: deps
	swift build -c release --product featurize
	.build/release/featurize Fixtures --out $(OUT) --draw $(OUT)/drawings

test: deps
	swift test --disable-swift-testing
	scripts/python-tests.sh

release: deps
	swift build -c release

clean:
	rm -rf .build .out
