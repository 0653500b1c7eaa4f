// SPDX-License-Identifier: GPL-2.0
/*
 * chardev.c - the control character device /dev/kraft (a misc device).
 * Per-node data devices /dev/kraftN are added with the node runtime.
 * Unknown ioctls answer -ENOTTY. Takes no locks of its own.
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <uapi/linux/kraft.h>

#include "kraft.h"

static long kraft_ctl_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	return -ENOTTY;
}

static const struct file_operations kraft_ctl_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kraft_ctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice kraft_ctl_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KRAFT_CONTROL_NAME,
	.fops = &kraft_ctl_fops,
	.mode = 0600,
};

int __init kraft_chardev_init(void)
{
	return misc_register(&kraft_ctl_dev);
}

void kraft_chardev_uninit(void)
{
	misc_deregister(&kraft_ctl_dev);
}
