// SPDX-License-Identifier: GPL-2.0
/*
 * raft_replication_test.c - log replication and safety (Raft paper 5.3,
 * 5.4): the Figure 7 follower logs, the Figure 8 commitment rule, the
 * consistency check with its term hint, bounded in-flight windows,
 * recovery from lost messages, leader completeness across a crash.
 */
#include <kunit/test.h>
#include "cluster.h"

static bool applied_same(struct tc_cluster *c, u64 a, u64 b)
{
	struct tc_node *x = tc_node(c, a), *y = tc_node(c, b);
	u32 i, n = min(x->n_applied, y->n_applied);

	for (i = 0; i < n; i++)
		if (x->applied[i].index != y->applied[i].index ||
		    x->applied[i].term != y->applied[i].term ||
		    strcmp(x->applied[i].data, y->applied[i].data))
			return false;
	return true;
}

static void kraft_replication_basic(struct kunit *test)
{
	struct tc_cluster *c = tc_new(5, 5, true, true);
	struct kraft_status st;
	char v[16];
	u64 i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	for (i = 0; i < 20; i++) {
		v[0] = 'a' + i;
		v[1] = 0;
		/* proposals at followers are forwarded to the leader */
		KUNIT_EXPECT_EQ(test, tc_propose(c, 1 + i % 5, v), 0);
	}
	tc_run(c);
	for (i = 1; i <= 5; i++) {
		tc_status(c, i, &st);
		KUNIT_EXPECT_EQ(test, st.commit, 21);
		KUNIT_EXPECT_EQ(test, st.applied, 21);
		KUNIT_EXPECT_TRUE(test, tc_logs_match(c, 1, i));
		KUNIT_EXPECT_TRUE(test, applied_same(c, 1, i));
		KUNIT_EXPECT_EQ(test, tc_node(c, i)->n_applied, 21);
	}
	tc_free(c);
}

/* Figure 7: whatever a follower's log, the term-8 leader makes it its own. */
static const u64 fig7_leader[] = { 1, 1, 1, 4, 4, 5, 5, 6, 6, 6 };
static const u64 fig7_a[] = { 1, 1, 1, 4, 4, 5, 5, 6, 6 };
static const u64 fig7_b[] = { 1, 1, 1, 4 };
static const u64 fig7_c[] = { 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6 };
static const u64 fig7_d[] = { 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7 };
static const u64 fig7_e[] = { 1, 1, 1, 4, 4, 4, 4 };
static const u64 fig7_f[] = { 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3 };

struct fig7_case {
	const char *name;
	const u64 *terms;
	u32 n;
};

static const struct fig7_case fig7_cases[] = {
	{ "a", fig7_a, ARRAY_SIZE(fig7_a) },
	{ "b", fig7_b, ARRAY_SIZE(fig7_b) },
	{ "c", fig7_c, ARRAY_SIZE(fig7_c) },
	{ "d", fig7_d, ARRAY_SIZE(fig7_d) },
	{ "e", fig7_e, ARRAY_SIZE(fig7_e) },
	{ "f", fig7_f, ARRAY_SIZE(fig7_f) },
};

static void fig7_desc(const struct fig7_case *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", t->name);
}

KUNIT_ARRAY_PARAM(fig7, fig7_cases, fig7_desc);

static void kraft_replication_figure7(struct kunit *test)
{
	const struct fig7_case *fc = test->param_value;
	struct tc_cluster *c = tc_new(3, 3, false, false);
	struct kraft_status st;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_set_log(c, 1, fig7_leader, 10, 7), 0);
	KUNIT_ASSERT_EQ(test, tc_set_log(c, 2, fc->terms, fc->n, 7), 0);
	KUNIT_ASSERT_EQ(test, tc_set_log(c, 3, fig7_leader, 10, 7), 0);
	tc_cut(c, 1, 2);	/* win with 3's vote, then talk to 2 */
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_EQ(test, st.term, 8);
	tc_heal(c);
	KUNIT_EXPECT_EQ(test, tc_propose(c, 1, "x"), 0);
	tc_run(c);
	tc_tick_all(c, 2);	/* a heartbeat reopens the probe to 2 */
	tc_status(c, 2, &st);
	KUNIT_EXPECT_EQ(test, st.last_index, 12);
	KUNIT_EXPECT_EQ(test, st.commit, 12);
	KUNIT_EXPECT_TRUE(test, tc_logs_match(c, 1, 2));
	tc_free(c);
}

static u32 holders(struct tc_cluster *c, u64 index, u64 term)
{
	u32 n = 0, i;

	for (i = 1; i <= c->n; i++) {
		struct tc_node *nd = tc_node(c, i);

		n += index <= nd->n_log && nd->log[index - 1].term == term;
	}
	return n;
}

/* How many members the leader knows to hold @index. */
static u32 known_at(struct tc_cluster *c, u64 lead, u64 index)
{
	struct kraft_peer_status ps;
	u32 n = 0, i;

	for (i = 0; !kraft_raft_peer_status(tc_node(c, lead)->r, i, &ps); i++)
		n += ps.match >= index;
	return n;
}

/*
 * Figure 8: an entry of an older term on a majority is not committed by
 * counting replicas; once an entry of the leader's term is on a majority,
 * both are. Appends carry one entry each here, so the old entry spreads
 * first, one message at a time.
 */
static void kraft_replication_figure8(struct kunit *test)
{
	struct tc_cluster *c = tc_new(5, 5, false, false);
	bool seen_majority_uncommitted = false;
	struct kraft_status st;
	char big[101];
	u64 i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->base.max_msg_bytes = 64;
	for (i = 1; i <= 5; i++)
		KUNIT_ASSERT_EQ(test, tc_restart(c, i), 0);
	memset(big, 'a', 100);
	big[100] = 0;
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);	/* term 1, index 1 */
	/* (a) index 2 of term 1 reaches only S1 and S2 */
	for (i = 3; i <= 5; i++)
		tc_cut(c, 1, i);
	KUNIT_ASSERT_EQ(test, tc_propose(c, 1, big), 0);
	tc_run(c);
	KUNIT_ASSERT_EQ(test, holders(c, 2, 1), 2);
	tc_status(c, 1, &st);
	KUNIT_ASSERT_EQ(test, st.commit, 1);
	/* (b) S5 leads term 2 with S3, S4; its entry stays at home */
	tc_heal(c);
	tc_isolate(c, 1);
	tc_isolate(c, 2);
	c->drop_type = KRAFT_MSG_APP;
	KUNIT_ASSERT_EQ(test, tc_elect(c, 5), 0);
	KUNIT_ASSERT_EQ(test, holders(c, 2, 2), 1);
	/* (c) S5 down; S1 restarts and leads term 3 (term 2 is lost) */
	tc_heal(c);
	tc_isolate(c, 5);
	KUNIT_ASSERT_EQ(test, tc_restart(c, 1), 0);
	KUNIT_ASSERT_NE(test, tc_elect(c, 1), 0);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	tc_status(c, 1, &st);
	KUNIT_ASSERT_EQ(test, st.term, 3);
	KUNIT_ASSERT_EQ(test, st.last_index, 3);
	/* now let appends through, one message at a time */
	c->drop_type = 0;
	tc_tick(c, 1, 1);
	for (i = 0; i < 500 && tc_deliver_one(c); i++) {
		tc_status(c, 1, &st);
		if (st.commit >= 2)
			KUNIT_EXPECT_GE(test, holders(c, 3, 3), 3);
		if (st.commit < 2 && known_at(c, 1, 2) >= 3)
			seen_majority_uncommitted = true;
	}
	KUNIT_EXPECT_TRUE(test, seen_majority_uncommitted);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_EQ(test, st.commit, 3);
	/* (e) S5's conflicting entry is overwritten when it returns */
	tc_heal(c);
	tc_tick_all(c, 5);
	for (i = 2; i <= 5; i++) {
		KUNIT_EXPECT_TRUE(test, tc_logs_match(c, 1, i));
		KUNIT_EXPECT_TRUE(test, applied_same(c, 1, i));
	}
	tc_free(c);
}

/* 5.3: a follower refuses an append that does not match, with a hint. */
static void kraft_replication_reject_hint(struct kunit *test)
{
	static const u64 follower[] = { 1, 1, 2, 2, 2 };
	struct tc_cluster *c = tc_new(3, 3, false, false);
	struct kraft_msg m = {
		.type = KRAFT_MSG_APP, .from = 1, .to = 2, .term = 5,
		.index = 5, .log_term = 4,
	};
	struct kraft_ready rd;
	struct kraft_msg out;
	u8 *buf;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_set_log(c, 2, follower, 5, 2), 0);
	KUNIT_ASSERT_EQ(test, kraft_raft_step(tc_node(c, 2)->r, &m), 0);
	KUNIT_ASSERT_EQ(test, kraft_raft_ready(tc_node(c, 2)->r, &rd), 0);
	KUNIT_ASSERT_EQ(test, rd.n_msgs, 1);
	buf = kr_malloc(rd.msgs[0].len);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, rd.msgs[0].buf, rd.msgs[0].len);
	KUNIT_ASSERT_EQ(test, kraft_msg_decode(buf, rd.msgs[0].len, &out), 0);
	kraft_raft_advance(tc_node(c, 2)->r);
	KUNIT_EXPECT_EQ(test, out.type, KRAFT_MSG_APP_RESP);
	KUNIT_EXPECT_TRUE(test, out.flags & KRAFT_MSGF_REJECT);
	KUNIT_EXPECT_EQ(test, out.index, 5);
	/* the last entry of a term <= 4 is index 5 of term 2 */
	KUNIT_EXPECT_EQ(test, out.hint, 5);
	KUNIT_EXPECT_EQ(test, out.log_term, 2);
	kraft_msg_release(&out);
	kr_free(buf);
	tc_free(c);
}

/* Appends in flight to one peer stay within the configured window. */
static void kraft_replication_inflight_window(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, false, false);
	u32 i, apps = 0;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->base.max_inflight = 2;
	for (i = 1; i <= 3; i++)
		KUNIT_ASSERT_EQ(test, tc_restart(c, i), 0);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	for (i = 0; i < 6; i++) {
		KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "w"), 0);
		tc_process(c, 1);	/* nothing delivered meanwhile */
	}
	for (i = 0; i < c->nq; i++) {
		struct kraft_msg m;

		if (c->q[i].to != 2)
			continue;
		KUNIT_ASSERT_EQ(test, kraft_msg_decode(c->q[i].buf,
						       c->q[i].len, &m), 0);
		apps += m.type == KRAFT_MSG_APP && m.n_entries;
		kraft_msg_release(&m);
	}
	KUNIT_EXPECT_EQ(test, apps, 2);
	tc_run(c);
	tc_tick_all(c, 3);
	KUNIT_EXPECT_TRUE(test, tc_logs_match(c, 1, 2));
	KUNIT_EXPECT_EQ(test, tc_node(c, 2)->n_applied, 7);
	tc_free(c);
}

/* Lost appends are recovered by probing after a heartbeat. */
static void kraft_replication_lost_messages(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, true, true);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	tc_cut(c, 1, 3);
	for (i = 0; i < 10; i++)
		KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "l"), 0);
	tc_run(c);
	tc_heal(c);
	tc_tick_all(c, 5);
	KUNIT_EXPECT_TRUE(test, tc_logs_match(c, 1, 3));
	KUNIT_EXPECT_TRUE(test, applied_same(c, 1, 3));
	KUNIT_EXPECT_EQ(test, tc_node(c, 3)->n_applied, 11);
	tc_free(c);
}

/* 5.4: a new leader holds every committed entry (leader completeness). */
static void kraft_replication_leader_completeness(struct kunit *test)
{
	struct tc_cluster *c = tc_new(5, 5, true, true);
	struct kraft_status st;
	u64 lead, i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	tc_cut(c, 1, 4);
	tc_cut(c, 1, 5);
	KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "committed"), 0);
	tc_run(c);
	tc_status(c, 1, &st);
	KUNIT_ASSERT_EQ(test, st.commit, 2);
	tc_node(c, 1)->down = true;
	tc_heal(c);
	tc_tick_all(c, 60);
	lead = tc_leader(c);
	KUNIT_ASSERT_NE(test, lead, 0);
	KUNIT_EXPECT_NE(test, lead, 4);
	KUNIT_EXPECT_NE(test, lead, 5);
	for (i = 2; i <= 5; i++) {
		struct tc_node *nd = tc_node(c, i);

		KUNIT_EXPECT_GE(test, nd->n_applied, 2);
		KUNIT_EXPECT_STREQ(test, nd->applied[1].data, "committed");
	}
	tc_free(c);
}

/* A restart re-applies from the persisted log, in the same order. */
static void kraft_replication_restart(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, true, true);
	struct kraft_status st;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "p"), 0);
	tc_run(c);
	KUNIT_ASSERT_EQ(test, tc_restart(c, 2), 0);
	tc_status(c, 2, &st);
	KUNIT_EXPECT_EQ(test, st.last_index, 2);
	KUNIT_EXPECT_EQ(test, st.term, 1);
	tc_tick_all(c, 3);
	KUNIT_EXPECT_EQ(test, tc_node(c, 2)->n_applied, 2);
	KUNIT_EXPECT_STREQ(test, tc_node(c, 2)->applied[1].data, "p");
	tc_free(c);
}

static struct kunit_case kraft_replication_cases[] = {
	KUNIT_CASE(kraft_replication_basic),
	KUNIT_CASE_PARAM(kraft_replication_figure7, fig7_gen_params),
	KUNIT_CASE(kraft_replication_figure8),
	KUNIT_CASE(kraft_replication_reject_hint),
	KUNIT_CASE(kraft_replication_inflight_window),
	KUNIT_CASE(kraft_replication_lost_messages),
	KUNIT_CASE(kraft_replication_leader_completeness),
	KUNIT_CASE(kraft_replication_restart),
	{}
};

static struct kunit_suite kraft_replication_suite = {
	.name = "kraft_replication",
	.test_cases = kraft_replication_cases,
};

kunit_test_suite(kraft_replication_suite);
