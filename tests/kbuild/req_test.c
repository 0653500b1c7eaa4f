// SPDX-License-Identifier: GPL-2.0
/*
 * req_test.c - KUnit suite kraft_req for kmod/req.c, on a node of its own
 * with a state machine and no core, loop or device: a request the loop
 * answers as it takes it (a serializable read, a snapshot) after its
 * submitter gave up (a timeout, a signal) must be freed by that answer
 * and never touched again. The loop once did touch it: a use after free
 * under KASAN here, and in a guest a freed request's memory, reused by
 * the next one, moved from the incoming list to the waiting one without
 * the node's lock (make bench saw one serializable read answered
 * -ECANCELED at 64 clients).
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "node.h"

/* req.c's calls into snapshot.c and watch.c, not linked in here */
void kraft_snap_maybe(struct kraft_node *n, bool force)
{
}

int kraft_watch_start(struct kraft_node *n, struct kraft_watch *w)
{
	return -EOPNOTSUPP;
}

void kraft_watch_put(struct kraft_watch *w)
{
}

static struct kraft_node *node_new(struct kunit *test)
{
	struct kraft_node *n = kunit_kzalloc(test, sizeof(*n), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, n);
	spin_lock_init(&n->lock);
	INIT_LIST_HEAD(&n->incoming);
	INIT_LIST_HEAD(&n->waiting);
	n->kv = kraft_kv_new(16);
	KUNIT_ASSERT_NOT_NULL(test, n->kv);
	return n;
}

/* Queue @req as kraft_node_submit() does: with the loop's reference. */
static void submit(struct kraft_node *n, struct kraft_req *req)
{
	kref_get(&req->ref);
	spin_lock(&n->lock);
	list_add_tail(&req->link, &n->incoming);
	spin_unlock(&n->lock);
}

static struct kraft_req *serializable_get(struct kunit *test)
{
	struct kraft_req *req = kraft_req_new(KRAFT_REQ_GET);

	KUNIT_ASSERT_NOT_NULL(test, req);
	req->flags = KRAFT_KV_SERIALIZABLE;
	req->key = kvmalloc(1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req->key);
	req->key[0] = 'k';
	req->klen = 1;
	return req;
}

static void kraft_req_answered_at_once(struct kunit *test)
{
	struct kraft_node *n = node_new(test);
	struct kraft_req *req = serializable_get(test);
	LIST_HEAD(pending);

	submit(n, req);
	kraft_reqs_take(n, &pending);
	KUNIT_EXPECT_TRUE(test, completion_done(&req->done));
	KUNIT_EXPECT_EQ(test, req->err, 0);
	KUNIT_EXPECT_EQ(test, req->res.status, KRAFT_KV_S_NOT_FOUND);
	KUNIT_EXPECT_TRUE(test, list_empty(&n->waiting));
	KUNIT_EXPECT_TRUE(test, list_empty(&pending));
	kraft_req_put(req);
	kraft_kv_free(n->kv);
}

static void kraft_req_submitter_gone(struct kunit *test)
{
	struct kraft_node *n = node_new(test);
	struct kraft_req *a = serializable_get(test);
	struct kraft_req *b = kraft_req_new(KRAFT_REQ_SNAPSHOT);
	LIST_HEAD(pending);

	KUNIT_ASSERT_NOT_NULL(test, b);
	submit(n, a);
	submit(n, b);
	/* both submitters give up before the loop takes them */
	kraft_req_put(a);
	kraft_req_put(b);
	kraft_reqs_take(n, &pending);	/* frees both, touches neither */
	KUNIT_EXPECT_TRUE(test, list_empty(&n->waiting));
	KUNIT_EXPECT_TRUE(test, list_empty(&n->incoming));
	KUNIT_EXPECT_TRUE(test, list_empty(&pending));
	kraft_kv_free(n->kv);
}

static struct kunit_case kraft_req_cases[] = {
	KUNIT_CASE(kraft_req_answered_at_once),
	KUNIT_CASE(kraft_req_submitter_gone),
	{}
};

static struct kunit_suite kraft_req_suite = {
	.name = "kraft_req",
	.test_cases = kraft_req_cases,
};

kunit_test_suite(kraft_req_suite);
