# SPDX-License-Identifier: GPL-2.0-or-later
# Convenience wrapper: the real build is meson + ninja in build/.
BUILD ?= build

.PHONY: all deps check demo clean bench

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	@scripts/install-deps.sh
	./configure --builddir=$(BUILD)

check: all
	meson test -C $(BUILD) --print-errorlogs

demo: all
	scripts/demo.sh $(BUILD)

bench: all
	@for b in $(BUILD)/bench/bench-*; do [ -x "$$b" ] && "$$b"; done

clean:
	rm -rf $(BUILD)
