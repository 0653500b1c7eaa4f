# mk/kraftctl.mk.inc - kraftctl, the userspace tool (libnl-genl-3).
KRAFTCTL_SRCS	:= $(wildcard userspace/kraftctl*.c)
NL_CFLAGS	:= $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS		:= $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)

$(USER_OUT)/kraftctl: $(KRAFTCTL_SRCS) $(wildcard userspace/*.h) \
		include/uapi/linux/kraft.h
	@mkdir -p $(@D)
	$(USER_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude/uapi \
		-Iinclude $(NL_CFLAGS) -o $@ $(KRAFTCTL_SRCS) $(NL_LIBS)
