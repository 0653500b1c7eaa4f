// SPDX-License-Identifier: GPL-2.0
/*
 * watch.c - watches: KRAFT_IOC_WATCH on /dev/kraftN returns a file that
 * delivers the changes of keys under a prefix, from a revision on, through
 * read() and poll(). The node's loop registers a watch (replaying the
 * retained history) and feeds it after each batch of applied entries from
 * the state machine's history (kraft_kv_history()), so a watch sees every
 * revision in order and never one twice. A reader that falls more than
 * %WATCH_MAX_BYTES behind loses the watch (-EOVERFLOW once the queued
 * events are read); a node going down ends it (read returns 0).
 *
 * Locks: a watch's lock (spinlock: its event queue and end state), taken
 * by the loop and by the file's read and poll, alone. The node's list of
 * watches belongs to its loop; a closed file only flags its watch, and the
 * loop unlinks it.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "node.h"

#define WATCH_MAX_BYTES		(8u << 20)
#define WATCH_TIMEOUT_MS	5000

struct kraft_watch_ev {
	struct list_head link;
	u32 len;
	u8 data[];	/* struct kraft_watch_event, key, value, padding */
};

static void kraft_watch_release_ref(struct kref *ref)
{
	struct kraft_watch *w = container_of(ref, struct kraft_watch, ref);
	struct kraft_watch_ev *e, *tmp;

	list_for_each_entry_safe(e, tmp, &w->events, link)
		kvfree(e);
	kvfree(w->prefix);
	kraft_node_put(w->node);
	kfree(w);
}

void kraft_watch_put(struct kraft_watch *w)
{
	kref_put(&w->ref, kraft_watch_release_ref);
}

static void watch_end(struct kraft_watch *w, int err)
{
	spin_lock(&w->lock);
	if (!w->ended) {
		w->ended = true;
		w->err = err;
	}
	spin_unlock(&w->lock);
	wake_up_interruptible(&w->wq);
}

/* kraft_kv_history() callback, in the loop: queue one event. */
static int watch_push(void *arg, const struct kraft_kv_event *ev)
{
	struct kraft_watch *w = arg;
	struct kraft_watch_event *we;
	struct kraft_watch_ev *e;
	u32 vlen = ev->type == KRAFT_KV_PUT ? ev->item.vlen : 0;
	u32 len = ALIGN(sizeof(*we) + ev->item.klen + vlen, 8);
	bool full;

	w->next_rev = ev->item.mod_rev + 1;
	e = kvzalloc(struct_size(e, data, len), GFP_KERNEL);
	if (!e) {
		watch_end(w, -ENOMEM);
		return -ENOMEM;
	}
	e->len = len;
	we = (struct kraft_watch_event *)e->data;
	we->type = ev->type == KRAFT_KV_PUT ? KRAFT_EVENT_PUT :
		   KRAFT_EVENT_DELETE;
	we->key_len = ev->item.klen;
	we->value_len = vlen;
	we->rev = ev->item.mod_rev;
	if (ev->type == KRAFT_KV_PUT) {
		we->create_rev = ev->item.create_rev;
		we->version = ev->item.version;
	}
	memcpy(we + 1, ev->item.key, ev->item.klen);
	memcpy((u8 *)(we + 1) + ev->item.klen, ev->item.val, vlen);

	spin_lock(&w->lock);
	full = w->ended || w->bytes + len > WATCH_MAX_BYTES;
	if (!full) {
		list_add_tail(&e->link, &w->events);
		w->bytes += len;
	}
	spin_unlock(&w->lock);
	if (full) {
		kvfree(e);
		watch_end(w, -EOVERFLOW);
		return -EOVERFLOW;
	}
	wake_up_interruptible(&w->wq);
	return 0;
}

/**
 * kraft_watch_start() - the loop registers a watch
 * @n: the node
 * @w: the watch
 *
 * Return: 0, or -ENOENT when @w's first revision is no longer retained.
 */
int kraft_watch_start(struct kraft_node *n, struct kraft_watch *w)
{
	u64 rev = kraft_kv_rev(n->kv);
	int err;

	if (!w->next_rev || w->next_rev > rev) {
		w->next_rev = max(w->next_rev, rev + 1);
	} else {
		err = kraft_kv_history(n->kv, w->prefix, w->plen, w->next_rev,
				       watch_push, w);
		if (err == -ERANGE)
			return -ENOENT;
		w->next_rev = rev + 1;
	}
	kref_get(&w->ref);	/* the node's list */
	list_add_tail(&w->link, &n->watches);
	return 0;
}

/**
 * kraft_watches_feed() - the loop hands every watch what was applied since
 * @n: the node
 */
void kraft_watches_feed(struct kraft_node *n)
{
	u64 rev = kraft_kv_rev(n->kv);
	struct kraft_watch *w, *tmp;
	int err;

	n->unwatched = 0;
	list_for_each_entry_safe(w, tmp, &n->watches, link) {
		if (READ_ONCE(w->closed) || READ_ONCE(w->ended)) {
			list_del(&w->link);
			kraft_watch_put(w);
			continue;
		}
		if (w->next_rev > rev)
			continue;
		err = kraft_kv_history(n->kv, w->prefix, w->plen, w->next_rev,
				       watch_push, w);
		if (err == -ERANGE)	/* fell behind the history */
			watch_end(w, -EOVERFLOW);
		w->next_rev = rev + 1;
	}
}

/**
 * kraft_watches_end() - the loop ends: every watch reads EOF
 * @n: the node
 */
void kraft_watches_end(struct kraft_node *n)
{
	struct kraft_watch *w, *tmp;

	list_for_each_entry_safe(w, tmp, &n->watches, link) {
		watch_end(w, 0);
		list_del(&w->link);
		kraft_watch_put(w);
	}
}

static ssize_t watch_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	struct kraft_watch *w = file->private_data;
	struct kraft_watch_ev *e;
	size_t done = 0;
	int err;

	for (;;) {
		spin_lock(&w->lock);
		e = list_first_entry_or_null(&w->events, struct kraft_watch_ev,
					     link);
		if (!e && !done && w->ended) {
			err = w->err;
			spin_unlock(&w->lock);
			return err;	/* 0: EOF */
		}
		if (e && e->len <= count - done) {
			list_del(&e->link);
			w->bytes -= e->len;
		} else {
			e = NULL;
		}
		spin_unlock(&w->lock);
		if (!e) {
			if (done)
				return done;
			if (!list_empty(&w->events))
				return -EINVAL;	/* @count below one event */
			if (file->f_flags & O_NONBLOCK)
				return -EAGAIN;
			err = wait_event_interruptible(w->wq,
				!list_empty(&w->events) || READ_ONCE(w->ended));
			if (err)
				return err;
			continue;
		}
		if (copy_to_user(buf + done, e->data, e->len)) {
			kvfree(e);
			return done ?: -EFAULT;
		}
		done += e->len;
		kvfree(e);
	}
}

static __poll_t watch_poll(struct file *file, poll_table *pt)
{
	struct kraft_watch *w = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &w->wq, pt);
	spin_lock(&w->lock);
	if (!list_empty(&w->events))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (w->ended)
		mask |= EPOLLIN | EPOLLHUP;
	spin_unlock(&w->lock);
	return mask;
}

static int watch_release(struct inode *inode, struct file *file)
{
	struct kraft_watch *w = file->private_data;

	WRITE_ONCE(w->closed, true);	/* the loop unlinks it */
	kraft_watch_put(w);
	return 0;
}

static const struct file_operations kraft_watch_fops = {
	.owner = THIS_MODULE,
	.read = watch_read,
	.poll = watch_poll,
	.release = watch_release,
	.llseek = noop_llseek,
};

/**
 * kraft_watch_ioctl() - KRAFT_IOC_WATCH
 * @n: the node
 * @uarg: struct kraft_watch_args
 *
 * Return: a new file descriptor, or -EINVAL, -E2BIG, -EFAULT, -ENOENT
 * (revision compacted), -ENOMEM, -ETIMEDOUT, -ESHUTDOWN, -EIO.
 */
long kraft_watch_ioctl(struct kraft_node *n, void __user *uarg)
{
	struct kraft_watch_args a;
	struct kraft_watch *w;
	struct kraft_req *req;
	struct file *file;
	int fd, err;
	u32 i;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(a.reserved); i++)
		if (a.reserved[i])
			return -EINVAL;
	if (a.flags)
		return -EINVAL;
	if (a.prefix_len > KRAFT_KEY_MAX)
		return -E2BIG;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	req = kraft_req_new(KRAFT_REQ_WATCH);
	if (!w || !req) {
		kfree(w);
		kfree(req);
		return -ENOMEM;
	}
	kref_init(&w->ref);
	spin_lock_init(&w->lock);
	INIT_LIST_HEAD(&w->events);
	INIT_LIST_HEAD(&w->link);
	init_waitqueue_head(&w->wq);
	kref_get(&n->ref);
	w->node = n;
	w->next_rev = a.from_rev;
	w->plen = a.prefix_len;
	w->prefix = kvmalloc(max_t(u32, a.prefix_len, 1), GFP_KERNEL);
	kref_get(&w->ref);	/* the request's */
	req->watch = w;
	err = -ENOMEM;
	if (!w->prefix)
		goto out;
	err = -EFAULT;
	if (copy_from_user(w->prefix, u64_to_user_ptr(a.prefix_ptr),
			   a.prefix_len))
		goto out;
	fd = get_unused_fd_flags(O_RDONLY | O_CLOEXEC);
	err = fd;
	if (fd < 0)
		goto out;
	kref_get(&w->ref);	/* the file's */
	file = anon_inode_getfile("[kraft-watch]", &kraft_watch_fops, w,
				  O_RDONLY | O_CLOEXEC);
	if (IS_ERR(file)) {
		kraft_watch_put(w);
		put_unused_fd(fd);
		err = PTR_ERR(file);
		goto out;
	}
	err = kraft_node_submit(n, req, WATCH_TIMEOUT_MS);
	if (err) {
		fput(file);	/* releases the file's reference */
		put_unused_fd(fd);
		goto out;
	}
	fd_install(fd, file);
	err = fd;
out:
	kraft_req_put(req);
	kraft_watch_put(w);
	return err;
}
