# The two commands that matter: `make demo` and `make test`. See README.md.
.PHONY: setup build test demo services-up services-down bench chaos clean

setup:
	scripts/setup

build: setup
	swift build

test:
	scripts/test

demo:
	scripts/demo

services-up:
	@scripts/services up

services-down:
	@scripts/services down

bench:
	scripts/bench

chaos:
	scripts/chaos

clean:
	scripts/services down
	rm -rf .build .run
