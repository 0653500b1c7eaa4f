# mk/fault.mk - the fault suite: kraft-client (runs in the guest: plain,
# no sanitizers), `make torture`.

$(USER_OUT)/kraft-client: tests/fault/kraft-client.c include/uapi/linux/kraft.h
	@mkdir -p $(@D)
	$(USER_CC) -std=gnu11 -O2 -g -Wall -Wextra -Iinclude/uapi -o $@ $<

.PHONY: kraft-client lincheck torture
kraft-client: $(USER_OUT)/kraft-client
lincheck: $(USER_OUT)/lincheck

# make torture DURATION=TIME [KERNEL=debug] [NODES=3] [VMS=3]: schedules of
# 20 s, seeds 1, 2, ..., until TIME is spent (minutes, or 90s, 30m, 2h;
# tests/fault/run --for). A schedule takes about a minute with its share of
# set-up on the Debian kernel, three on the debug kernel or with VMS=3.
DURATION	?= 10
NODES		?= 3
torture: deps
	@tests/fault/run --kernel $(or $(filter debug,$(KERNEL)),debian) \
		--nodes $(NODES) $(if $(filter 3,$(VMS)),--vms 3) --seconds 20 \
		--for $(DURATION) 1

# the wire-protocol fuzzer (tests/fault/kraft-wirefuzz.c): the core's own
# message codec, built plain like kraft-client
$(USER_OUT)/kraft-wirefuzz: tests/fault/kraft-wirefuzz.c kmod/core/msg.c \
		kmod/core/quorum.c kmod/core/crc32c_user.c $(wildcard kmod/core/*.h)
	@mkdir -p $(@D)
	$(USER_CC) -std=gnu11 -O2 -g -Wall -Wextra -Wno-sign-compare \
		-Wno-unused-parameter -Iinclude/uapi -Iinclude -Ikmod/core \
		-o $@ $(filter %.c,$^)

.PHONY: kraft-wirefuzz
kraft-wirefuzz: $(USER_OUT)/kraft-wirefuzz

# the ioctl and netlink fuzzer (tests/fault/kraft-apifuzz.c), libmnl
$(USER_OUT)/kraft-apifuzz: tests/fault/kraft-apifuzz.c include/uapi/linux/kraft.h
	@mkdir -p $(@D)
	$(USER_CC) -std=gnu11 -O2 -g -Wall -Wextra -Iinclude/uapi -o $@ $< -lmnl

.PHONY: kraft-apifuzz
kraft-apifuzz: $(USER_OUT)/kraft-apifuzz

# the dm-log-writes replayer for crash states (tests/fault/kraft-replay.c)
$(USER_OUT)/kraft-replay: tests/fault/kraft-replay.c
	@mkdir -p $(@D)
	$(USER_CC) -std=gnu11 -O2 -g -Wall -Wextra -o $@ $<

.PHONY: kraft-replay
kraft-replay: $(USER_OUT)/kraft-replay

# the writer of the power-cut test (tests/fault/kraft-crashload.c)
$(USER_OUT)/kraft-crashload: tests/fault/kraft-crashload.c include/uapi/linux/kraft.h
	@mkdir -p $(@D)
	$(USER_CC) -std=gnu11 -O2 -g -Wall -Wextra -Iinclude/uapi -o $@ $<

.PHONY: kraft-crashload
kraft-crashload: $(USER_OUT)/kraft-crashload

# make load MINUTES=N: a 3-node cluster under 64 clients for N minutes on
# the Debian kernel; kernel memory must stay flat and come back after
# rmmod (tests/vm/guest/load.sh; make check runs one minute)
MINUTES		?= 10
.PHONY: load
load: deps
	@tests/vm/run --disks 3 --disk-mb 64 --timeout $$(($(MINUTES) * 60 + 300)) \
		-- tests/vm/guest/load.sh $$(($(MINUTES) * 60))
