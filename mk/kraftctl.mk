# mk/kraftctl.mk.inc - kraftctl, the userspace tool (libnl-genl-3).
KRAFTCTL_SRCS	:= $(wildcard userspace/kraftctl*.c)
# the on-disk format, shared with the module (init, dump)
KRAFTCTL_CORE	:= $(addprefix kmod/core/,layout.c ring.c crc_combine.c recover.c \
		   msg.c quorum.c crc32c_user.c)
NL_CFLAGS	:= $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS		:= $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)

$(USER_OUT)/kraftctl: $(KRAFTCTL_SRCS) $(KRAFTCTL_CORE) $(wildcard userspace/*.h) \
		$(wildcard kmod/core/*.h) include/uapi/linux/kraft.h
	@mkdir -p $(@D)
	$(USER_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude/uapi \
		-Iinclude -Ikmod/core -Wno-sign-compare -Wno-unused-parameter \
		$(NL_CFLAGS) -o $@ $(KRAFTCTL_SRCS) $(KRAFTCTL_CORE) $(NL_LIBS)
