# mk/bench.mk - the etcd load generator of `make bench` (tests/bench/run):
# gRPC over HTTP/2 with libnghttp2, linked statically so that the guest
# needs only libc. Included by the top-level Makefile.

$(USER_OUT)/etcd-bench: tests/bench/etcd-bench.c userspace/latency.h
	@mkdir -p $(@D)
	$(USER_CC) -std=gnu11 -O2 -Wall -Wextra -Wno-unused-parameter -Werror \
		-Iuserspace -o $@ $< -Wl,-Bstatic -lnghttp2 -Wl,-Bdynamic -lpthread

.PHONY: etcd-bench
etcd-bench: $(USER_OUT)/etcd-bench

# the floor's TCP round trip (tests/bench/tcp-rtt.c): plain, libc only
$(USER_OUT)/tcp-rtt: tests/bench/tcp-rtt.c userspace/latency.h
	@mkdir -p $(@D)
	$(USER_CC) -std=gnu11 -O2 -Wall -Wextra -Werror -Iuserspace -o $@ $<

.PHONY: tcp-rtt
tcp-rtt: $(USER_OUT)/tcp-rtt
