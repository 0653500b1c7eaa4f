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
 * -ECANCELED at 64 clients). Also: a put's value checksummed by its
 * submitter reaches the log with the command's CRC32C.
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

static struct kraft_req *put_req(struct kunit *test, u32 vlen)
{
	struct kraft_req *req = kraft_req_new(KRAFT_REQ_PUT);

	KUNIT_ASSERT_NOT_NULL(test, req);
	req->key = kvmalloc(3, GFP_KERNEL);
	req->val = kvmalloc(vlen, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req->key);
	KUNIT_ASSERT_NOT_NULL(test, req->val);
	memcpy(req->key, "key", 3);
	req->klen = 3;
	memset(req->val, 'a' + vlen % 26, vlen);
	req->vlen = vlen;
	kraft_req_sum_value(req);
	return req;
}

/*
 * A put's value checksummed by its submitter (kvdev.c): the leader's
 * entry carries the CRC32C of the whole command, header and key
 * included, which the log record combines with its own header's. A
 * value shorter than KRAFT_DL_SUM_EARLY is left to the log.
 */
static void kraft_req_value_sum(struct kunit *test)
{
	static const u32 vlens[] = { 40, 100, 512, 4096, 65536 };
	struct kraft_node *n = node_new(test);
	struct kraft_req *req[ARRAY_SIZE(vlens)], *r, *tmp;
	struct kraft_config cfg;
	struct kraft_ready rd;
	LIST_HEAD(pending);
	u32 i, seen = 0;
	int err;

	kraft_config_default(&cfg, 1);
	cfg.initial.voters[0] = 1;
	cfg.initial.n_voters = 1;
	n->sb.node_id = 1;
	n->r = kraft_raft_new(&cfg, &err);
	KUNIT_ASSERT_NOT_NULL(test, n->r);
	KUNIT_ASSERT_EQ(test, kraft_dl_ring_init(&n->store.ring, 1u << 20,
						 512, 0, 1), 0);
	KUNIT_ASSERT_EQ(test, kraft_raft_campaign(n->r), 0);
	while (kraft_raft_has_ready(n->r)) {
		KUNIT_ASSERT_EQ(test, kraft_raft_ready(n->r, &rd), 0);
		kraft_raft_advance(n->r);
	}
	for (i = 0; i < ARRAY_SIZE(vlens); i++) {
		req[i] = put_req(test, vlens[i]);
		KUNIT_EXPECT_EQ(test, req[i]->vcrc_known,
				vlens[i] >= KRAFT_DL_SUM_EARLY);
		submit(n, req[i]);
	}
	kraft_reqs_take(n, &pending);
	KUNIT_EXPECT_TRUE(test, list_empty(&pending));
	KUNIT_ASSERT_EQ(test, kraft_raft_ready(n->r, &rd), 0);
	for (i = 0; i < rd.n_entries; i++) {
		const struct kraft_entry *e = &rd.entries[i];

		if (e->type != KRAFT_ENTRY_NORMAL)
			continue;
		KUNIT_ASSERT_LT(test, seen, ARRAY_SIZE(vlens));
		KUNIT_EXPECT_EQ(test, e->crc_known,
				vlens[seen] >= KRAFT_DL_SUM_EARLY);
		if (e->crc_known)
			KUNIT_EXPECT_EQ(test, kraft_entry_crc(e),
					kraft_crc32c(0, e->data, e->len));
		seen++;
	}
	KUNIT_EXPECT_EQ(test, seen, ARRAY_SIZE(vlens));
	kraft_raft_advance(n->r);
	list_for_each_entry_safe(r, tmp, &n->waiting, link)
		kraft_req_finish(r, -ECANCELED);
	for (i = 0; i < ARRAY_SIZE(vlens); i++)
		kraft_req_put(req[i]);
	kraft_dl_ring_free(&n->store.ring);
	kraft_raft_free(n->r);
	kraft_kv_free(n->kv);
}

static struct kunit_case kraft_req_cases[] = {
	KUNIT_CASE(kraft_req_answered_at_once),
	KUNIT_CASE(kraft_req_submitter_gone),
	KUNIT_CASE(kraft_req_value_sum),
	{}
};

static struct kunit_suite kraft_req_suite = {
	.name = "kraft_req",
	.test_cases = kraft_req_cases,
};

kunit_test_suite(kraft_req_suite);
