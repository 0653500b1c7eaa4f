// SPDX-License-Identifier: GPL-2.0
/*
 * kvdev.c - /dev/kraftN, a node's data device: ioctls put, get, del and
 * cas (struct kraft_kv_args), range (struct kraft_range_args) and watch
 * (kmod/watch.c). Every field is checked before anything is
 * queued; the request then waits on the node's loop (node.c) up to its
 * timeout. An open file holds a reference on the node, so a node taken
 * down under it answers -ESHUTDOWN. Takes no locks of its own.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "node.h"

#define DEFAULT_TIMEOUT_MS	5000
#define MAX_TIMEOUT_MS		(10 * 60 * 1000)

static int kvdev_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct kraft_node *n = container_of(misc, struct kraft_node, misc);

	kref_get(&n->ref);
	file->private_data = n;
	return 0;
}

static int kvdev_release(struct inode *inode, struct file *file)
{
	kraft_node_put(file->private_data);
	return 0;
}

/* Copy @len bytes at user address @ptr into a new buffer *@dst. */
static int copy_in(u8 **dst, u64 ptr, u32 len)
{
	*dst = kvmalloc(max_t(u32, len, 1), GFP_KERNEL);
	if (!*dst)
		return -ENOMEM;
	if (len && copy_from_user(*dst, u64_to_user_ptr(ptr), len))
		return -EFAULT;	/* the request frees *@dst */
	return 0;
}

static int check_args(const struct kraft_kv_args *a, u8 op)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(a->reserved); i++)
		if (a->reserved[i])
			return -EINVAL;
	if (a->flags & ~KRAFT_KV_FLAGS_ALL)
		return -EINVAL;
	if ((a->flags & KRAFT_KV_SERIALIZABLE) && op != KRAFT_REQ_GET)
		return -EINVAL;
	if (!a->key_len)
		return -EINVAL;
	if (a->key_len > KRAFT_KEY_MAX)
		return -E2BIG;
	if ((op == KRAFT_REQ_PUT || op == KRAFT_REQ_CAS) &&
	    a->value_len > KRAFT_VALUE_MAX)
		return -E2BIG;
	if (op == KRAFT_REQ_DEL && (a->value_len || a->value_ptr))
		return -EINVAL;
	if (op != KRAFT_REQ_CAS && a->expect_rev)
		return -EINVAL;
	if (a->timeout_ms > MAX_TIMEOUT_MS)
		return -EINVAL;
	return 0;
}

static long kvdev_kv(struct kraft_node *n, u8 op, void __user *uarg)
{
	struct kraft_kv_args a;
	struct kraft_req *req;
	int err;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	err = check_args(&a, op);
	if (err)
		return err;
	req = kraft_req_new(op);
	if (!req)
		return -ENOMEM;
	req->flags = a.flags;
	req->expect = a.expect_rev;
	req->klen = a.key_len;
	err = copy_in(&req->key, a.key_ptr, a.key_len);
	if (!err && (op == KRAFT_REQ_PUT || op == KRAFT_REQ_CAS)) {
		req->vlen = a.value_len;
		err = copy_in(&req->val, a.value_ptr, a.value_len);
		if (!err)
			kraft_req_sum_value(req);
	}
	if (err)
		goto out;
	err = kraft_node_submit(n, req, a.timeout_ms ?: DEFAULT_TIMEOUT_MS);
	if (err)
		goto out;
	a.result = req->res.status == KRAFT_KV_S_OK ? KRAFT_KV_OK :
		   req->res.status == KRAFT_KV_S_NOT_FOUND ? KRAFT_KV_NOT_FOUND :
		   KRAFT_KV_COMPARE_FAILED;
	a.rev = req->res.rev;
	a.mod_rev = req->res.mod_rev;
	if (op == KRAFT_REQ_GET && req->out) {
		u32 cap = a.value_len;

		a.create_rev = req->item.create_rev;
		a.mod_rev = req->item.mod_rev;
		a.version = req->item.version;
		a.value_len = req->item.vlen;
		if (min(cap, req->item.vlen) &&
		    copy_to_user(u64_to_user_ptr(a.value_ptr), req->out,
				 min(cap, req->item.vlen))) {
			err = -EFAULT;
			goto out;
		}
	}
	if (copy_to_user(uarg, &a, sizeof(a)))
		err = -EFAULT;
out:
	kraft_req_put(req);
	return err;
}

#define RANGE_MAX_BYTES	(64u << 20)	/* records filled in one call */

static long kvdev_range(struct kraft_node *n, void __user *uarg)
{
	struct kraft_range_args a;
	struct kraft_req *req;
	u32 i;
	int err;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(a.reserved); i++)
		if (a.reserved[i])
			return -EINVAL;
	if (a.flags & ~KRAFT_KV_FLAGS_ALL || a.timeout_ms > MAX_TIMEOUT_MS)
		return -EINVAL;
	if (a.prefix_len > KRAFT_KEY_MAX)
		return -E2BIG;
	req = kraft_req_new(KRAFT_REQ_RANGE);
	if (!req)
		return -ENOMEM;
	req->flags = a.flags;
	req->limit = a.limit;
	req->cap = min(a.buf_len, RANGE_MAX_BYTES);
	req->klen = a.prefix_len;
	err = copy_in(&req->key, a.prefix_ptr, a.prefix_len);
	if (err)
		goto out;
	err = kraft_node_submit(n, req, a.timeout_ms ?: DEFAULT_TIMEOUT_MS);
	if (err)
		goto out;
	a.buf_len = req->out_len;
	a.count = req->count;
	a.more = req->more;
	a.rev = req->res.rev;
	if ((req->out_len && copy_to_user(u64_to_user_ptr(a.buf_ptr), req->out,
					  req->out_len)) ||
	    copy_to_user(uarg, &a, sizeof(a)))
		err = -EFAULT;
out:
	kraft_req_put(req);
	return err;
}

static long kvdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kraft_node *n = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case KRAFT_IOC_PUT:
		return kvdev_kv(n, KRAFT_REQ_PUT, uarg);
	case KRAFT_IOC_GET:
		return kvdev_kv(n, KRAFT_REQ_GET, uarg);
	case KRAFT_IOC_DEL:
		return kvdev_kv(n, KRAFT_REQ_DEL, uarg);
	case KRAFT_IOC_CAS:
		return kvdev_kv(n, KRAFT_REQ_CAS, uarg);
	case KRAFT_IOC_RANGE:
		return kvdev_range(n, uarg);
	case KRAFT_IOC_WATCH:
		return kraft_watch_ioctl(n, uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations kvdev_fops = {
	.owner = THIS_MODULE,
	.open = kvdev_open,
	.release = kvdev_release,
	.unlocked_ioctl = kvdev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

int kraft_kvdev_register(struct kraft_node *n)
{
	n->misc.minor = MISC_DYNAMIC_MINOR;
	n->misc.name = n->name;
	n->misc.fops = &kvdev_fops;
	n->misc.mode = 0600;
	return misc_register(&n->misc);
}

void kraft_kvdev_unregister(struct kraft_node *n)
{
	misc_deregister(&n->misc);
}
