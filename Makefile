# Shortcuts for the scripts in scripts/; each script also works on its own.
.PHONY: demo test bench bench-http format lint

demo:
	scripts/demo

test:
	scripts/test

bench: bench-http

bench-http:
	scripts/bench-http

format:
	swift-format format --in-place --recursive Package.swift Sources Tests

lint:
	swift-format lint --strict --recursive Package.swift Sources Tests
