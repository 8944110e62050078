# Thin wrapper over Meson: the two commands of the README, and a few more.
#   make            build (installs missing Debian packages first)
#   make scan       build, then scan TARGET (default: the bundled samples)
#   make test       build and run the whole suite
#   make install    install under PREFIX (default /usr/local)
BUILD ?= build
PREFIX ?= /usr/local
TARGET ?= $(BUILD)/samples
VIGIL = $(BUILD)/src/cli/vigil

.PHONY: all build deps scan test install bench bench-feed fuzz clean

all: build

deps:
	@sh scripts/deps.sh build

build: deps
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --prefix=$(PREFIX)
	@ninja -C $(BUILD)

scan: build
	@[ "$(TARGET)" != "$(BUILD)/samples" ] || sh scripts/make-samples.sh $(BUILD)/samples
	@$(VIGIL) scan $(TARGET); rc=$$?; [ $$rc -le 1 ] || exit $$rc

# A build directory set up by "make scan" before cmocka was installed has no
# suite in it: asking for the tests turns it on (and reconfigures).
test:
	@sh scripts/deps.sh test
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --prefix=$(PREFIX) -Dtests=enabled
	@[ -d $(BUILD)/tests ] || meson configure $(BUILD) -Dtests=enabled
	@ninja -C $(BUILD)
	@sh tests/run.sh $(BUILD)

install: build
	@meson install -C $(BUILD)

bench: build
	@sh scripts/deps.sh bench
	@sh bench/run.sh $(BUILD)
	@python3 bench/containers.py $(BUILD)
	@python3 bench/bigarchive.py $(BUILD)
	@python3 bench/bigfile.py $(BUILD)
	@python3 bench/bombs.py $(BUILD)
	@python3 bench/daemon.py $(BUILD)
	@python3 bench/onaccess.py $(BUILD)
	@python3 bench/update.py $(BUILD)
	@$(BUILD)/bench/shield_cost
	@python3 bench/shield_veth.py $(BUILD)

# A generated feed of the official feed's size (615 MB, minutes): built,
# loaded, served and scanned beside clamscan and clamd.
bench-feed: build
	@sh scripts/deps.sh bench
	@python3 bench/feedload.py --vigil $(BUILD)/src/cli/vigil --runs 1 \
		--daemons --generate

fuzz:
	@sh scripts/fuzz.sh

clean:
	rm -rf $(BUILD)
