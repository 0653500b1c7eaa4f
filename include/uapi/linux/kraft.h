/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kraft.h - userspace API of kraft, the in-kernel replicated key/value
 * store: the generic netlink family "kraft" (control) and, later, the ioctl
 * interface of /dev/kraftN (data).
 *
 * Versioning: KRAFT_GENL_VERSION is the family version; commands and
 * attributes are only ever added, never renumbered. Unknown attributes are
 * rejected by the kernel (strict validation).
 */
#ifndef _UAPI_LINUX_KRAFT_H
#define _UAPI_LINUX_KRAFT_H

#include <linux/types.h>

#define KRAFT_GENL_NAME		"kraft"
#define KRAFT_GENL_VERSION	1
#define KRAFT_GENL_MCGRP_EVENTS	"events"

/**
 * enum kraft_cmd - generic netlink commands of the "kraft" family
 * @KRAFT_CMD_UNSPEC: invalid
 * @KRAFT_CMD_GET_VERSION: reply carries %KRAFT_A_VERSION (module version
 *	string) and %KRAFT_A_PROTO_VERSION; unprivileged
 */
enum kraft_cmd {
	KRAFT_CMD_UNSPEC,
	KRAFT_CMD_GET_VERSION,
	__KRAFT_CMD_MAX,
};

#define KRAFT_CMD_MAX (__KRAFT_CMD_MAX - 1)

/**
 * enum kraft_attr - top-level attributes of the "kraft" family
 * @KRAFT_A_UNSPEC: invalid
 * @KRAFT_A_VERSION: NUL-terminated string, the module version
 * @KRAFT_A_PROTO_VERSION: u32, the wire protocol version nodes speak
 */
enum kraft_attr {
	KRAFT_A_UNSPEC,
	KRAFT_A_VERSION,
	KRAFT_A_PROTO_VERSION,
	__KRAFT_A_MAX,
};

#define KRAFT_A_MAX (__KRAFT_A_MAX - 1)

/* The control character device, /dev/kraft. */
#define KRAFT_CONTROL_NAME	"kraft"

#endif /* _UAPI_LINUX_KRAFT_H */
