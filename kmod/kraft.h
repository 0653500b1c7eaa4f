/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kraft.h - declarations shared by the kernel glue files of kraft.ko.
 * Each subsystem has an init and an uninit, called in order from main.c.
 */
#ifndef KRAFT_KRAFT_H
#define KRAFT_KRAFT_H

#define KRAFT_VERSION "0.1.0"
#define KRAFT_PROTO_VERSION 1

int kraft_netlink_init(void);
void kraft_netlink_uninit(void);

int kraft_chardev_init(void);
void kraft_chardev_uninit(void);

#endif /* KRAFT_KRAFT_H */
