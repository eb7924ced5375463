# The two commands that matter: `make demo` and `make test`. See README.md.
.PHONY: setup build test chaos validate-deploy demo services-up services-down bench bench-compare bench-kafka bench-engine bench-simulator clean

setup:
	scripts/setup

build: setup
	swift build

test:
	scripts/test

chaos:
	scripts/chaos

validate-deploy:
	scripts/validate-deploy

demo:
	scripts/demo

services-up:
	@scripts/services up

services-down:
	@scripts/services down

bench:
	scripts/bench

bench-compare:
	scripts/bench-compare

bench-kafka:
	scripts/bench-kafka

bench-engine:
	scripts/bench-engine

bench-simulator:
	scripts/bench-simulator

clean:
	scripts/services down
	rm -rf .build .run
