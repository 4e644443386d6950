# Shortcuts for the scripts in scripts/; each script also works on its own.
.PHONY: demo test station-chaos bench bench-http bench-protocol bench-station fuzz fuzz-short check-embedded format lint

demo:
	scripts/demo

test:
	scripts/test

station-chaos:
	scripts/station-chaos

bench: bench-http bench-protocol bench-station

bench-http:
	scripts/bench-http

bench-protocol:
	scripts/bench-protocol

bench-station:
	scripts/bench-station

fuzz:
	scripts/fuzz 60

fuzz-short:
	scripts/fuzz 20

check-embedded:
	scripts/check-embedded

format:
	swift-format format --in-place --recursive Package.swift Sources Tests

lint:
	swift-format lint --strict --recursive Package.swift Sources Tests
