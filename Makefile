# SPDX-License-Identifier: GPL-2.0
#
# tcpobs: build the module, the tools and the selftests.
#
#   make                     tcpobs.ko for the running kernel (KDIR=... to
#                            choose another tree); the module lands in kmod/
#   make KERNEL=K            the same against Debian's kernel K (5.10, 6.1,
#                            6.12, 7.3 or newest), fetched into the cache on
#                            first use and built with its own gcc
#                            (scripts/kmake)
#   make check               static checks, unit tests, then the VM selftests
#                            on the Debian kernels (5.10, 6.1, 6.12, 7.3) and
#                            the debug kernel (built from linux-source-7.3
#                            into the cache on first use, about 11 minutes)
#   make check-vm            the VM selftests on the Debian kernels only
#   make check-debug         the VM selftests on the debug kernel only
#   make demo                the main job: a listen-queue overflow in the VM
#   make checkpatch sparse   kernel style and static checks
#
# scripts/setup installs the Debian packages the project needs.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
CACHE ?= $(shell $(TOP)/scripts/cache-dir)
export TCPOBS_CACHE := $(CACHE)
KERNELS := 5.10 6.1 6.12 7.3
# make check runs the abuse tests at light volume (the same assertions, fewer
# rounds: selftests/vm/lib.sh, abuse_scale) on these, to keep CI's time;
# the newest kernel (and every kernel in make check-vm) runs them in full.
LIGHT_KERNELS := 5.10 6.1 6.12

ifneq ($(KERNEL),)
KDIR := $(CACHE)/kernels/$(KERNEL)/build
else
KDIR ?= /lib/modules/$(shell uname -r)/build
endif

CC ?= gcc
CFLAGS ?= -O2 -g
USER_CFLAGS := -Wall -Wextra -Werror $(CFLAGS)

KMOD_SRCS := $(wildcard $(TOP)/kmod/*.c $(TOP)/kmod/*.h $(TOP)/kmod/Kbuild)
KMOD_UAPI := $(wildcard $(TOP)/kmod/uapi/linux/*.h)
PROGS := $(patsubst selftests/progs/%.c,selftests/progs/bin/%,$(wildcard selftests/progs/*.c))

.PHONY: all modules clean kernels vm-prereq check check-unit check-vm check-debug demo bench \
	checkpatch sparse progs tools FORCE

all: modules

$(CACHE)/kernels/debug/build $(CACHE)/kernels/debug/kver:
	$(TOP)/scripts/debug-kernel

$(CACHE)/kernels/%/build $(CACHE)/kernels/%/kver:
	$(TOP)/scripts/fetch-kernels $*

modules: $(if $(KERNEL),$(CACHE)/kernels/$(KERNEL)/build)
	@test -d "$(KDIR)" || { echo "No kernel build tree at $(KDIR): install linux-headers-$$(uname -r), or pass KDIR=... or KERNEL=5.10|6.1|6.12|7.3|newest" >&2; exit 1; }
	+$(if $(KERNEL),$(TOP)/scripts/kmake $(KERNEL),$(MAKE) -C $(KDIR)) M=$(TOP)/kmod $(KBUILD_OPTS) modules

# A private copy of the module sources per kernel, so both can be built side
# by side for the VM. (Built again when the kernel is: a new Debian ABI, a
# new debug kernel.)
.build/%/kmod/tcpobs.ko: $(KMOD_SRCS) $(KMOD_UAPI) $(CACHE)/kernels/%/kver
	@mkdir -p $(@D)/uapi/linux
	@cp $(KMOD_SRCS) $(@D)/
	@cp $(KMOD_UAPI) $(@D)/uapi/linux/
	+$(TOP)/scripts/kmake $* -s M=$(TOP)/$(@D) W=1 $(KBUILD_OPTS) modules

PROG_LIBS_nlprobe := -lmnl

selftests/progs/bin/%: selftests/progs/%.c kmod/uapi/linux/tcpobs.h
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $< $(PROG_LIBS_$*)

progs: $(PROGS)

# tools/tcpobs, the user-space tool (libmnl), and its unit tests.
tools:
	$(MAKE) -C tools

vm-prereq: .build/$(KERNEL)/kmod/tcpobs.ko progs tools

kernels:
	$(TOP)/scripts/fetch-kernels all

# The whole suite; the tool's unit tests run inside it (selftests/run-all).
# (run-all builds the debug kernel, on first use, while the Debian
# kernels' suites run.)
check: $(foreach k,$(KERNELS),.build/$(k)/kmod/tcpobs.ko) progs tools
	TCPOBS_LIGHT_KERNELS="$(LIGHT_KERNELS)" $(TOP)/selftests/run-all $(KERNELS) debug

check-unit: tools
	$(TOP)/tools/tests/run

check-vm: $(foreach k,$(KERNELS),.build/$(k)/kmod/tcpobs.ko) progs tools
	$(TOP)/selftests/run-all $(KERNELS)

# The whole VM suite on the debug kernel (KASAN, lockdep, PROVE_RCU,
# DEBUG_ATOMIC_SLEEP, kmemleak, DEBUG_LIST), built on first use. The abuse
# tests run at a fraction of their volume there, FULL=1 at all of it.
check-debug: progs tools
	TCPOBS_FULL=$(FULL) $(TOP)/selftests/run-all --no-static debug

demo:
	$(TOP)/scripts/demo

# make bench [QUICK=1]: what tcpobs costs, loaded vs unloaded (see
# Documentation/performance.rst).
bench:
	$(TOP)/scripts/bench $(if $(QUICK),--quick)

checkpatch:
	$(TOP)/scripts/checkpatch

sparse: $(CACHE)/kernels/6.1/build $(CACHE)/kernels/6.12/build
	@for k in $(KERNELS); do \
		rm -rf .build/sparse-$$k && mkdir -p .build/sparse-$$k/uapi/linux && cp $(KMOD_SRCS) .build/sparse-$$k/ && \
		cp $(KMOD_UAPI) .build/sparse-$$k/uapi/linux/ && \
		$(TOP)/scripts/kmake $$k -s M=$(TOP)/.build/sparse-$$k C=1 W=1 modules 2>&1 | \
			tee .build/sparse-$$k.log; \
		! grep -E 'warning|error' .build/sparse-$$k.log || exit 1; \
	done

clean:
	-test -d "$(KDIR)" && $(MAKE) -C $(KDIR) M=$(TOP)/kmod clean
	rm -rf .build selftests/progs/bin
	$(MAKE) -C tools clean
