// SPDX-License-Identifier: GPL-2.0
/*
 * raft_features_test.c - ReadIndex (also on a deposed leader), leadership
 * transfer, snapshot catch-up in chunks, joint consensus, learners and
 * their promotion, a removed leader stepping down, forwarding.
 */
#include <kunit/test.h>
#include "cluster.h"

static void kraft_read_index_leader_and_follower(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, true, true);
	struct kraft_status st;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "v"), 0);
	tc_run(c);
	KUNIT_ASSERT_EQ(test, kraft_raft_read_index(tc_node(c, 1)->r, 7), 0);
	KUNIT_ASSERT_EQ(test, kraft_raft_read_index(tc_node(c, 3)->r, 9), 0);
	tc_process(c, 1);
	/* not before a quorum answered the heartbeat round */
	KUNIT_EXPECT_EQ(test, tc_node(c, 1)->n_reads, 0);
	tc_run(c);
	tc_status(c, 1, &st);
	KUNIT_ASSERT_EQ(test, tc_node(c, 1)->n_reads, 1);
	KUNIT_EXPECT_EQ(test, tc_node(c, 1)->reads_ctx[0], 7);
	KUNIT_EXPECT_EQ(test, tc_node(c, 1)->reads_index[0], st.commit);
	KUNIT_ASSERT_EQ(test, tc_node(c, 3)->n_reads, 1);
	KUNIT_EXPECT_EQ(test, tc_node(c, 3)->reads_ctx[0], 9);
	KUNIT_EXPECT_EQ(test, tc_node(c, 3)->reads_index[0], st.commit);
	tc_free(c);
}

/* A leader cut off from the majority never answers a read. */
static void kraft_read_index_deposed_leader(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, true, false);
	u64 lead;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	tc_isolate(c, 1);
	tc_tick_all(c, 30);
	lead = tc_leader(c);
	KUNIT_ASSERT_TRUE(test, lead == 2 || lead == 3);
	KUNIT_ASSERT_EQ(test, tc_propose(c, lead, "new"), 0);
	tc_run(c);
	/* 1 still thinks it leads (no CheckQuorum here) */
	KUNIT_ASSERT_EQ(test, kraft_raft_read_index(tc_node(c, 1)->r, 1), 0);
	tc_tick(c, 1, 5);
	tc_run(c);
	KUNIT_EXPECT_EQ(test, tc_node(c, 1)->n_reads, 0);
	/* healed: the newer term deposes it; the read is dropped, not wrong */
	tc_heal(c);
	tc_tick_all(c, 5);
	KUNIT_EXPECT_EQ(test, tc_node(c, 1)->n_reads, 0);
	KUNIT_EXPECT_NE(test, tc_leader(c), 1);
	tc_free(c);
}

/* With a lease (behind CheckQuorum) the leader answers at once. */
static void kraft_read_index_lease(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, true, true);
	u64 i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->base.lease_read = true;
	for (i = 1; i <= 3; i++)
		KUNIT_ASSERT_EQ(test, tc_restart(c, i), 0);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	tc_isolate(c, 1);	/* no heartbeat round can complete */
	KUNIT_ASSERT_EQ(test, kraft_raft_read_index(tc_node(c, 1)->r, 3), 0);
	tc_process(c, 1);
	KUNIT_ASSERT_EQ(test, tc_node(c, 1)->n_reads, 1);
	KUNIT_EXPECT_EQ(test, tc_node(c, 1)->reads_ctx[0], 3);
	/* and lease reads need CheckQuorum */
	c->base.check_quorum = false;
	KUNIT_EXPECT_EQ(test, tc_restart(c, 2), -EINVAL);
	tc_free(c);
}

/* A new leader answers reads only once an entry of its term commits. */
static void kraft_read_index_waits_for_term_commit(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, false, false);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->drop_type = KRAFT_MSG_APP;
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	KUNIT_ASSERT_EQ(test, kraft_raft_read_index(tc_node(c, 1)->r, 5), 0);
	tc_tick(c, 1, 3);
	tc_run(c);
	KUNIT_EXPECT_EQ(test, tc_node(c, 1)->n_reads, 0);
	c->drop_type = 0;
	tc_tick_all(c, 3);
	KUNIT_ASSERT_EQ(test, tc_node(c, 1)->n_reads, 1);
	KUNIT_EXPECT_EQ(test, tc_node(c, 1)->reads_index[0], 1);
	tc_free(c);
}

static void kraft_transfer_leader(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, true, true);
	struct kraft_status st;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	/* 3 lags: the leader catches it up first */
	tc_cut(c, 1, 3);
	KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "x"), 0);
	tc_run(c);
	tc_heal(c);
	KUNIT_EXPECT_EQ(test, kraft_raft_transfer_leader(tc_node(c, 1)->r, 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, kraft_raft_transfer_leader(tc_node(c, 2)->r, 3),
			-EPERM);
	KUNIT_ASSERT_EQ(test, kraft_raft_transfer_leader(tc_node(c, 1)->r, 3),
			0);
	/* proposals wait while leadership moves */
	KUNIT_EXPECT_EQ(test, tc_propose(c, 1, "y"), -EBUSY);
	tc_tick_all(c, 3);
	KUNIT_EXPECT_EQ(test, tc_leader(c), 3);
	tc_status(c, 3, &st);
	KUNIT_EXPECT_EQ(test, st.term, 2);
	KUNIT_EXPECT_TRUE(test, tc_logs_match(c, 1, 3));
	tc_free(c);
}

/*
 * A snapshot captured at an earlier applied index is handed over later, as
 * the kernel's written-out snapshots are: only an applied index with its
 * own term is taken, and the log is compacted there, not at the applied
 * index of the moment.
 */
static void kraft_snapshot_at_earlier_index(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, true, true);
	struct kraft_snapshot snap = { .len = 1, .data = (u8 *)"s" };
	struct kraft_raft *r;
	struct kraft_status st;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	for (i = 0; i < 10; i++)
		KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "s"), 0);
	tc_run(c);
	r = tc_node(c, 1)->r;
	tc_status(c, 1, &st);
	KUNIT_ASSERT_EQ(test, st.applied, 11);
	snap.conf = st.conf;
	snap.index = 12;
	snap.term = st.term;
	KUNIT_EXPECT_EQ(test, kraft_raft_snapshot_at(r, &snap), -EINVAL);
	snap.index = 6;
	snap.term = st.term + 1;
	KUNIT_EXPECT_EQ(test, kraft_raft_snapshot_at(r, &snap), -EINVAL);
	snap.term = kraft_raft_term_at(r, 6);
	KUNIT_EXPECT_EQ(test, kraft_raft_snapshot_at(r, &snap), 0);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_EQ(test, st.snap_index, 6);
	KUNIT_EXPECT_EQ(test, st.applied, 11);
	snap.index = 5;
	snap.term = kraft_raft_term_at(r, 5);
	KUNIT_EXPECT_EQ(test, kraft_raft_snapshot_at(r, &snap), -EALREADY);
	KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "after"), 0);
	tc_run(c);
	tc_status(c, 3, &st);
	KUNIT_EXPECT_EQ(test, st.applied, 12);
	KUNIT_EXPECT_TRUE(test, tc_logs_match(c, 1, 3));
	tc_free(c);
}

/* A follower far behind a compacted log catches up by snapshot chunks. */
static void kraft_snapshot_catch_up(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, true, true);
	struct tc_node *n3;
	struct kraft_status st;
	u32 size = 3000, i;
	char *data = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, data);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	tc_isolate(c, 3);
	for (i = 0; i < 10; i++)
		KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "s"), 0);
	tc_run(c);
	for (i = 0; i < size; i++)
		data[i] = (char)(i * 7);
	KUNIT_ASSERT_EQ(test, kraft_raft_snapshot(tc_node(c, 1)->r, data,
						  size), 0);
	KUNIT_EXPECT_EQ(test, kraft_raft_snapshot(tc_node(c, 1)->r, data, 1),
			-EALREADY);
	tc_status(c, 1, &st);
	KUNIT_ASSERT_EQ(test, st.snap_index, 11);
	KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "after"), 0);
	tc_run(c);
	tc_heal(c);
	tc_tick_all(c, 10);
	n3 = tc_node(c, 3);
	KUNIT_EXPECT_EQ(test, n3->last_snap_restored, 11);
	KUNIT_ASSERT_EQ(test, n3->snap.len, size);
	KUNIT_EXPECT_EQ(test, memcmp(n3->snap.data, data, size), 0);
	tc_status(c, 3, &st);
	KUNIT_EXPECT_EQ(test, st.commit, 12);
	KUNIT_EXPECT_EQ(test, st.applied, 12);
	KUNIT_EXPECT_STREQ(test, n3->applied[n3->n_applied - 1].data, "after");
	/* and it restarts from its snapshot */
	KUNIT_ASSERT_EQ(test, tc_restart(c, 3), 0);
	tc_status(c, 3, &st);
	KUNIT_EXPECT_EQ(test, st.snap_index, 11);
	KUNIT_EXPECT_EQ(test, st.last_index, 12);
	tc_free(c);
}

/* The host's durable copy of a snapshot, for cores given a reader. */
struct snap_store {
	u64 index;
	const char *data;
	u32 len;
	u32 reads;
	bool fail;
};

static int snap_store_read(void *arg, u64 index, u64 off, void *buf, u32 len)
{
	struct snap_store *ss = arg;

	if (ss->fail || index != ss->index || off > ss->len ||
	    len > ss->len - off)
		return -ESTALE;
	memcpy(buf, ss->data + off, len);
	ss->reads++;
	return 0;
}

/*
 * With a reader, a core keeps no copy of its snapshot: the chunks it sends
 * are read back from the host (kmod/store.c reads them from the device).
 * A failed read sends nothing; the next heartbeat tries again.
 */
static void kraft_snapshot_read_back(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, true, true);
	struct snap_store ss = { 0 };
	struct kraft_status st;
	u32 size = 3000, i;
	char *data = kunit_kzalloc(test, size, GFP_KERNEL);
	struct tc_node *n3;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, data);
	c->base.read_snapshot = snap_store_read;
	c->base.snap_arg = &ss;
	for (i = 1; i <= 3; i++)
		KUNIT_ASSERT_EQ(test, tc_restart(c, i), 0);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "p"), 0);
	tc_status(c, 1, &st);
	/* where a leader's proposal landed; a follower cannot know */
	KUNIT_EXPECT_EQ(test, kraft_raft_proposed_at(tc_node(c, 1)->r),
			st.last_index);
	KUNIT_EXPECT_EQ(test, kraft_raft_proposed_at(tc_node(c, 2)->r), 0);
	tc_isolate(c, 3);
	for (i = 0; i < 10; i++)
		KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "s"), 0);
	tc_run(c);
	for (i = 0; i < size; i++)
		data[i] = (char)(i * 13);
	KUNIT_ASSERT_EQ(test, kraft_raft_snapshot(tc_node(c, 1)->r, data,
						  size), 0);
	tc_status(c, 1, &st);
	ss.index = st.snap_index;
	ss.data = data;
	ss.len = size;
	ss.fail = true;		/* the first attempts find nothing */
	tc_heal(c);
	tc_tick_all(c, 4);
	KUNIT_EXPECT_EQ(test, tc_node(c, 3)->last_snap_restored, 0);
	ss.fail = false;
	tc_tick_all(c, 10);
	n3 = tc_node(c, 3);
	KUNIT_EXPECT_EQ(test, n3->last_snap_restored, st.snap_index);
	KUNIT_EXPECT_GE(test, ss.reads, size / 1024);
	KUNIT_ASSERT_EQ(test, n3->snap.len, size);
	KUNIT_EXPECT_EQ(test, memcmp(n3->snap.data, data, size), 0);
	tc_free(c);
}

static void kraft_membership_learner_promotion(struct kunit *test)
{
	struct tc_cluster *c = tc_new(4, 3, true, true);
	struct kraft_status st;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	/* the learner replicates and never campaigns */
	KUNIT_EXPECT_EQ(test, kraft_raft_campaign(tc_node(c, 4)->r), -EPERM);
	KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "l"), 0);
	tc_run(c);
	KUNIT_EXPECT_EQ(test, tc_node(c, 4)->n_applied, 2);
	/* a learner that lags is not promoted */
	tc_isolate(c, 4);
	KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "lag"), 0);
	tc_run(c);
	KUNIT_EXPECT_EQ(test, tc_conf_change(c, 1, KRAFT_CC_AUTO,
					     KRAFT_CC_ADD_VOTER, 4), -EBUSY);
	tc_heal(c);
	tc_tick_all(c, 3);
	/* with a voter down, 2 of 3 still commit without the learner */
	tc_node(c, 3)->down = true;
	KUNIT_ASSERT_EQ(test, tc_conf_change(c, 1, KRAFT_CC_AUTO,
					     KRAFT_CC_ADD_VOTER, 4), 0);
	/* one change at a time */
	KUNIT_EXPECT_EQ(test, tc_conf_change(c, 1, KRAFT_CC_AUTO,
					     KRAFT_CC_REMOVE, 2), -EBUSY);
	tc_run(c);
	tc_status(c, 4, &st);
	KUNIT_EXPECT_EQ(test, st.conf.n_voters, 4);
	KUNIT_EXPECT_EQ(test, st.conf.n_learners, 0);
	KUNIT_EXPECT_EQ(test, st.conf.n_out, 0);
	/* now 3 of 4 are needed: 1, 2 and 4 */
	KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "m"), 0);
	tc_run(c);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_EQ(test, st.commit, st.last_index);
	tc_node(c, 4)->down = true;
	KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "n"), 0);
	tc_run(c);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_LT(test, st.commit, st.last_index);
	tc_free(c);
}

static void kraft_membership_joint(struct kunit *test)
{
	struct tc_cluster *c = tc_new(5, 3, true, true);
	struct kraft_conf_change *cc = kunit_kzalloc(test, sizeof(*cc),
						     GFP_KERNEL);
	struct kraft_status st;
	u8 buf[128];
	int len;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, cc);
	cc->transition = KRAFT_CC_JOINT_EXPLICIT;
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	/* replace 2 and 3 by 4 and 5 in one change: through joint */
	cc->n = 4;
	cc->items[0].op = KRAFT_CC_ADD_VOTER;
	cc->items[0].id = 4;
	cc->items[1].op = KRAFT_CC_ADD_VOTER;
	cc->items[1].id = 5;
	cc->items[2].op = KRAFT_CC_REMOVE;
	cc->items[2].id = 2;
	cc->items[3].op = KRAFT_CC_REMOVE;
	cc->items[3].id = 3;
	len = kraft_conf_change_encode(cc, buf, sizeof(buf));
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, kraft_raft_propose_conf(tc_node(c, 1)->r, buf,
						      len), 0);
	tc_run(c);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_EQ(test, st.conf.n_out, 3);
	KUNIT_EXPECT_EQ(test, st.conf.n_voters, 3);
	/* joint: both majorities needed; {1,4,5} alone cannot commit */
	tc_isolate(c, 2);
	tc_isolate(c, 3);
	KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "j"), 0);
	tc_run(c);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_LT(test, st.commit, st.last_index);
	tc_heal(c);
	tc_tick_all(c, 3);
	/* leave explicitly */
	KUNIT_ASSERT_EQ(test, tc_conf_change(c, 1, KRAFT_CC_LEAVE_JOINT, 0, 0),
			0);
	tc_run(c);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_EQ(test, st.conf.n_out, 0);
	KUNIT_EXPECT_EQ(test, st.conf.n_voters, 3);
	/* the old voters are gone: {1,4,5} now commit alone */
	tc_isolate(c, 2);
	tc_isolate(c, 3);
	KUNIT_ASSERT_EQ(test, tc_propose(c, 1, "k"), 0);
	tc_run(c);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_EQ(test, st.commit, st.last_index);
	tc_free(c);
}

/* An automatic joint change is left without being asked. */
static void kraft_membership_auto_leave(struct kunit *test)
{
	struct tc_cluster *c = tc_new(5, 3, true, true);
	struct kraft_conf_change *cc = kunit_kzalloc(test, sizeof(*cc),
						     GFP_KERNEL);
	struct kraft_status st;
	u8 buf[128];
	int len;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, cc);
	cc->n = 2;
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	cc->items[0].op = KRAFT_CC_ADD_VOTER;
	cc->items[0].id = 4;
	cc->items[1].op = KRAFT_CC_ADD_VOTER;
	cc->items[1].id = 5;
	len = kraft_conf_change_encode(cc, buf, sizeof(buf));
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, kraft_raft_propose_conf(tc_node(c, 1)->r, buf,
						      len), 0);
	tc_run(c);
	tc_tick_all(c, 2);
	tc_status(c, 3, &st);
	KUNIT_EXPECT_EQ(test, st.conf.n_out, 0);
	KUNIT_EXPECT_EQ(test, st.conf.n_voters, 5);
	tc_free(c);
}

/* A leader removed from the configuration steps down; others go on. */
static void kraft_membership_remove_leader(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, true, true);
	struct kraft_status st;
	u64 lead;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	KUNIT_ASSERT_EQ(test, tc_conf_change(c, 1, KRAFT_CC_AUTO,
					     KRAFT_CC_REMOVE, 1), 0);
	tc_run(c);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_NE(test, st.role, KRAFT_LEADER);
	tc_tick_all(c, 40);
	lead = tc_leader(c);
	KUNIT_EXPECT_TRUE(test, lead == 2 || lead == 3);
	KUNIT_EXPECT_EQ(test, kraft_raft_campaign(tc_node(c, 1)->r), -EPERM);
	tc_free(c);
}

static void kraft_membership_invalid(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, true, true);

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	KUNIT_EXPECT_EQ(test, tc_conf_change(c, 1, KRAFT_CC_AUTO,
					     KRAFT_CC_ADD_VOTER, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, tc_conf_change(c, 1, KRAFT_CC_AUTO,
					     KRAFT_CC_REMOVE, 9), -EINVAL);
	KUNIT_EXPECT_EQ(test, tc_conf_change(c, 1, KRAFT_CC_LEAVE_JOINT, 0, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, kraft_raft_propose_conf(tc_node(c, 1)->r,
						      "junk", 4), -EINVAL);
	tc_free(c);
}

static struct kunit_case kraft_features_cases[] = {
	KUNIT_CASE(kraft_read_index_leader_and_follower),
	KUNIT_CASE(kraft_read_index_deposed_leader),
	KUNIT_CASE(kraft_read_index_waits_for_term_commit),
	KUNIT_CASE(kraft_read_index_lease),
	KUNIT_CASE(kraft_transfer_leader),
	KUNIT_CASE(kraft_snapshot_at_earlier_index),
	KUNIT_CASE(kraft_snapshot_catch_up),
	KUNIT_CASE(kraft_snapshot_read_back),
	KUNIT_CASE(kraft_membership_learner_promotion),
	KUNIT_CASE(kraft_membership_joint),
	KUNIT_CASE(kraft_membership_auto_leave),
	KUNIT_CASE(kraft_membership_remove_leader),
	KUNIT_CASE(kraft_membership_invalid),
	{}
};

static struct kunit_suite kraft_features_suite = {
	.name = "kraft_features",
	.test_cases = kraft_features_cases,
};

kunit_test_suite(kraft_features_suite);
