# mk/user.mk - userspace builds of the pure core: the unit-test runner
# (the KUnit sources under tests/unit/ built against the userspace shim),
# with ASan and UBSan. Included by the top-level Makefile.

USER_OUT	:= build/user
USER_CC		?= gcc
USER_CFLAGS	?= -std=gnu11 -O1 -g -Wall -Wextra -Wno-unused-parameter \
		   -Wno-sign-compare -Wno-missing-field-initializers \
		   -Werror -fno-omit-frame-pointer
SAN_FLAGS	?= -fsanitize=address,undefined -fno-sanitize-recover=all
CORE_SRCS	:= $(filter-out %_kernel.c,$(wildcard kmod/core/*.c))
UNIT_SRCS	:= $(wildcard tests/unit/*.c) tests/unit/shim/kunit_main.c
USER_INC	:= -Itests/unit/shim -Ikmod/core -Iinclude

$(USER_OUT)/kraft-unit: $(CORE_SRCS) $(UNIT_SRCS) $(wildcard kmod/core/*.h) \
		$(wildcard tests/unit/*.h) tests/unit/shim/kunit/test.h
	@mkdir -p $(@D)
	$(USER_CC) $(USER_CFLAGS) $(SAN_FLAGS) $(USER_INC) -o $@ \
		$(CORE_SRCS) $(UNIT_SRCS)

.PHONY: unit
unit: $(USER_OUT)/kraft-unit
