# SPDX-License-Identifier: GPL-2.0
#
# kraft - see README.md. The two commands are `make demo` and `make check`.
#
#   make [KERNEL=debian|debug|host] [KDIR=...]   kraft.ko and kraftctl
#   make check        install what is needed, run every suite
#   make demo         install what is needed, boot a guest, show kraft
#   make install      install on this host (module, kraftctl, man, dkms)
#
# Kbuild in 6.1 writes objects beside the sources, so each kernel gets its
# own staged copy of the sources under build/<kernel>/.

KERNEL		?= debian
ifeq ($(KERNEL),host)
KDIR		?= /lib/modules/$(shell uname -r)/build
else
KDIR		?= $(shell tests/vm/kernels kdir $(KERNEL))
endif
KOUT		:= build/$(KERNEL)
TOUT		:= build/$(KERNEL)-tests
RSYNC		:= rsync -a --delete --exclude='*.o' --exclude='*.ko' \
		   --exclude='.*.cmd' --exclude='*.mod*'

all: module kraftctl

include mk/user.mk
-include $(filter-out mk/user.mk,$(wildcard mk/*.mk))

.PHONY: all module test-modules kraftctl check demo install deps clean soak bench

module:
	@mkdir -p $(KOUT)
	@$(RSYNC) kmod include $(KOUT)/
	@cp Kbuild $(KOUT)/Kbuild
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(KOUT) modules

test-modules:
	@mkdir -p $(TOUT)/unit
	@$(RSYNC) kmod/core/ $(TOUT)/core/
	@$(RSYNC) include $(TOUT)/
	@$(RSYNC) --include='*.c' --include='*.h' --exclude='*' \
		tests/unit/ $(TOUT)/unit/
	@cp tests/kbuild/Kbuild tests/kbuild/*.c $(TOUT)/
	@mkdir -p $(TOUT)/kmod && cp kmod/crc.c kmod/disk.c kmod/store.c kmod/req.c $(TOUT)/ && cp kmod/*.h $(TOUT)/kmod/
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(TOUT) modules

kraftctl: $(USER_OUT)/kraftctl

deps:
	@tests/deps.sh

check: deps
	@tests/check.sh

demo: deps
	@tests/demo.sh

bench:
	@tests/deps.sh bench
	@tests/bench/run

soak: deps
	@KRAFT_SUITES='*-sim' SEEDS=$(SEEDS) tests/check.sh

DKMS_SRC	:= $(DESTDIR)/usr/src/kraft-0.1.0

# On a real host: the module for the running kernel, kraftctl, and the
# sources under /usr/src for dkms, which rebuilds kraft.ko whenever a
# distribution kernel update installs new headers.
install: module kraftctl
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(KOUT) INSTALL_MOD_PATH=$(DESTDIR) \
		modules_install
	@if [ -z "$(DESTDIR)" ]; then depmod -a; fi
	install -D -m 0755 $(USER_OUT)/kraftctl $(DESTDIR)/usr/local/sbin/kraftctl
	install -D -m 0644 userspace/kraftctl.8 \
		$(DESTDIR)/usr/local/share/man/man8/kraftctl.8
	install -D -m 0644 userspace/kraftctl.bash \
		$(DESTDIR)/usr/local/share/bash-completion/completions/kraftctl
	mkdir -p $(DKMS_SRC)
	cp -r Makefile Kbuild dkms.conf kmod include mk $(DKMS_SRC)/
	mkdir -p $(DKMS_SRC)/tests/vm && cp tests/vm/kernels $(DKMS_SRC)/tests/vm/
	@if command -v dkms >/dev/null; then \
		dkms add kraft/0.1.0 2>/dev/null || true; \
	else \
		echo "install: dkms not found; apt-get install dkms, then: dkms add kraft/0.1.0"; \
	fi

clean:
	rm -rf build
