# mk/selftest.mk - the kselftest of kraft's user interfaces (libmnl), built
# against kselftest_harness.h of the debug kernel's source tree.
KSELFTEST_DIR	= $(shell tests/vm/kernels debug)/src/tools/testing/selftests

$(USER_OUT)/kraft_uapi: tests/selftests/kraft_uapi.c include/uapi/linux/kraft.h
	@mkdir -p $(@D)
	$(USER_CC) -std=gnu11 -O2 -g -Wall -Iinclude/uapi -I$(KSELFTEST_DIR) \
		-o $@ $< -lmnl

selftests: $(USER_OUT)/kraft_uapi
.PHONY: selftests
