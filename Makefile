# The two commands that matter: `make demo` and `make test`. See README.md.
.PHONY: setup build test chaos validate-deploy check-image-runtime demo services-up services-down bench bench-compare bench-kafka bench-engine bench-simulator clean

setup:
	scripts/setup

build: setup
	swift build

test:
	scripts/test

chaos:
	scripts/chaos

# Also rebuilds the image's runtime stage without Docker and runs the binaries in it (deploy/README.md);
# not part of `make test`: a cold run takes minutes.
validate-deploy:
	scripts/validate-deploy
	scripts/check-image-runtime

check-image-runtime:
	scripts/check-image-runtime

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
