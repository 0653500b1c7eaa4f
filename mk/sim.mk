# mk/sim.mk - the simulator and the linearizability checker, userspace,
# built with ASan and UBSan like the unit runner (mk/user.mk).

SIM_SRCS	:= tests/sim/sim.c tests/sim/check.c tests/lincheck/lincheck.c
LINCHECK_SRCS	:= tests/lincheck/lincheck.c

$(USER_OUT)/kraft-sim: $(SIM_SRCS) $(CORE_SRCS) $(wildcard kmod/core/*.h) \
		tests/sim/sim.h tests/lincheck/lincheck.h
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) $(SAN_FLAGS) -DLINCHECK_NO_MAIN \
		-Ikmod/core -Iinclude -o $@ $(SIM_SRCS) $(CORE_SRCS)

$(USER_OUT)/lincheck: $(LINCHECK_SRCS) tests/lincheck/lincheck.h
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) $(SAN_FLAGS) -o $@ $(LINCHECK_SRCS)

.PHONY: sim
sim: $(USER_OUT)/kraft-sim $(USER_OUT)/lincheck

# The core's throughput benchmark: optimised, no sanitizers.
$(USER_OUT)/kraft-bench: tests/sim/bench.c tests/unit/cluster.c $(CORE_SRCS) \
		$(wildcard kmod/core/*.h) tests/unit/cluster.h
	@mkdir -p $(@D)
	$(USER_CC) -std=gnu11 -O2 -g -Wall -Ikmod/core -Itests/unit -Iinclude \
		-o $@ tests/sim/bench.c tests/unit/cluster.c $(CORE_SRCS)

.PHONY: bench-core
bench-core: $(USER_OUT)/kraft-bench
	@for p in 1 64; do $(USER_OUT)/kraft-bench --proposers $$p; done
	@for p in 1 64; do \
		valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			$(USER_OUT)/kraft-bench --proposers $$p --entries 20000 2>&1 | \
		awk -v p=$$p '/entries in/ { n = $$6 } /Collected/ { ir = $$4 } \
			END { printf "proposers %s: %.0f instructions per committed entry (callgrind)\n", p, ir / n }'; \
	done
