# mk/fault.mk - the fault suite: kraft-client (runs in the guest: plain,
# no sanitizers), `make torture`.

$(USER_OUT)/kraft-client: tests/fault/kraft-client.c include/uapi/linux/kraft.h
	@mkdir -p $(@D)
	$(USER_CC) -std=gnu11 -O2 -g -Wall -Wextra -Iinclude/uapi -o $@ $<

.PHONY: kraft-client lincheck torture
kraft-client: $(USER_OUT)/kraft-client
lincheck: $(USER_OUT)/lincheck

# make torture DURATION=MINUTES [KERNEL=debug] [NODES=3]: schedules of
# 20 s until DURATION is spent (about a minute each with set-up).
DURATION	?= 10
NODES		?= 3
torture: deps
	@tests/fault/run --kernel $(or $(filter debug,$(KERNEL)),debian) \
		--nodes $(NODES) --seconds 20 1 $(DURATION)
