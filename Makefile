# SPDX-License-Identifier: GPL-2.0-or-later
# Convenience wrapper: the real build is meson + ninja in build/.
BUILD ?= build

.PHONY: all deps functional-deps check check-functional demo clean bench

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	@scripts/install-deps.sh
	./configure --builddir=$(BUILD)

# The functional suite's host packages are installed when they can be
# fetched; without them its test prints one SKIP line (exit 77).
functional-deps:
	@scripts/install-functional-deps.sh || \
	    echo "make: functional test packages unavailable: it will SKIP"

check: all functional-deps
	meson test -C $(BUILD) --print-errorlogs

# The real-VFIO test in an x86-64 guest (docs/user/real-vfio.md).
check-functional: all functional-deps
	meson test -C $(BUILD) --suite functional --print-errorlogs

demo: all
	scripts/demo.sh $(BUILD)

# Every program of bench/ (bench-*, map-calls, hotplug); a missed target
# makes its program, and so this rule, fail: the figures are still printed.
bench: all
	@status=0; for b in $(BUILD)/bench/bench-* $(BUILD)/bench/map-calls \
	    $(BUILD)/bench/hotplug; do \
	    [ -f "$$b" ] && [ -x "$$b" ] && { "$$b" || status=1; }; done; exit $$status

clean:
	rm -rf $(BUILD)
