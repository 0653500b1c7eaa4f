// SPDX-License-Identifier: GPL-2.0
/*
 * raft_election_test.c - leader election (Raft paper 5.1, 5.2, 5.4.1):
 * terms, one vote per term, randomized timeouts, the election
 * restriction; PreVote and CheckQuorum (thesis 9.6, 6.2).
 */
#include <kunit/test.h>
#include "cluster.h"

/* Take node @id's ready and decode its first message into @m. */
static int first_msg(struct tc_node *nd, struct kraft_msg *m, u8 **keep)
{
	struct kraft_ready rd;
	int err;

	*keep = NULL;
	err = kraft_raft_ready(nd->r, &rd);
	if (err)
		return err;
	if (rd.hs_changed)
		nd->hs = rd.hs;
	if (!rd.n_msgs) {
		kraft_raft_advance(nd->r);
		return -ENOENT;
	}
	*keep = kr_malloc(rd.msgs[0].len);
	if (!*keep)
		return -ENOMEM;
	memcpy(*keep, rd.msgs[0].buf, rd.msgs[0].len);
	err = kraft_msg_decode(*keep, rd.msgs[0].len, m);
	kraft_raft_advance(nd->r);
	return err;
}

static void kraft_election_basic(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, false, false);
	struct kraft_status st;
	u64 i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_EXPECT_EQ(test, tc_elect(c, 1), 0);
	for (i = 1; i <= 3; i++) {
		tc_status(c, i, &st);
		KUNIT_EXPECT_EQ(test, st.term, 1);
		KUNIT_EXPECT_EQ(test, st.lead, 1);
		KUNIT_EXPECT_EQ(test, st.role,
				i == 1 ? KRAFT_LEADER : KRAFT_FOLLOWER);
		/* the empty entry of the new term committed everywhere */
		KUNIT_EXPECT_EQ(test, st.commit, 1);
	}
	KUNIT_EXPECT_EQ(test, tc_node(c, 2)->hs.vote, 1);
	tc_free(c);
}

static void kraft_election_single_node(struct kunit *test)
{
	struct tc_cluster *c = tc_new(1, 1, true, true);
	struct kraft_status st;

	KUNIT_ASSERT_NOT_NULL(test, c);
	tc_tick(c, 1, 20);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_EQ(test, st.role, KRAFT_LEADER);
	KUNIT_EXPECT_EQ(test, st.commit, 1);
	tc_free(c);
}

/* 5.2: a follower times out after [T, 2T) ticks, differently per node. */
static void kraft_election_randomized_timeout(struct kunit *test)
{
	struct tc_cluster *c = tc_new(5, 5, false, false);
	u32 t = c->base.election_ticks, i, seen[5], distinct = 0, j;

	KUNIT_ASSERT_NOT_NULL(test, c);
	tc_isolate(c, 1);
	for (i = 1; i <= 5; i++) {
		struct kraft_status st;
		u32 ticks = 0;

		tc_isolate(c, i);
		do {
			kraft_raft_tick(tc_node(c, i)->r);
			tc_process(c, i);
			tc_status(c, i, &st);
			ticks++;
		} while (st.role == KRAFT_FOLLOWER && ticks < 10 * t);
		KUNIT_EXPECT_GE(test, ticks, t);
		KUNIT_EXPECT_LT(test, ticks, 2 * t);
		seen[i - 1] = ticks;
	}
	for (i = 0; i < 5; i++) {
		for (j = 0; j < i; j++)
			if (seen[j] == seen[i])
				break;
		distinct += j == i;
	}
	KUNIT_EXPECT_GE(test, distinct, 2);
	tc_free(c);
}

/* 5.2: one vote per term, first come first served, and it is persisted. */
static void kraft_election_one_vote_per_term(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, false, false);
	struct kraft_msg v = { .type = KRAFT_MSG_VOTE, .to = 3, .term = 1 };
	struct kraft_msg out;
	u8 *buf;

	KUNIT_ASSERT_NOT_NULL(test, c);
	v.from = 1;
	KUNIT_ASSERT_EQ(test, kraft_raft_step(tc_node(c, 3)->r, &v), 0);
	KUNIT_ASSERT_EQ(test, first_msg(tc_node(c, 3), &out, &buf), 0);
	KUNIT_EXPECT_EQ(test, out.type, KRAFT_MSG_VOTE_RESP);
	KUNIT_EXPECT_FALSE(test, out.flags & KRAFT_MSGF_REJECT);
	kraft_msg_release(&out);
	kr_free(buf);
	v.from = 2;
	KUNIT_ASSERT_EQ(test, kraft_raft_step(tc_node(c, 3)->r, &v), 0);
	KUNIT_ASSERT_EQ(test, first_msg(tc_node(c, 3), &out, &buf), 0);
	KUNIT_EXPECT_TRUE(test, out.flags & KRAFT_MSGF_REJECT);
	kraft_msg_release(&out);
	kr_free(buf);
	/* the vote survives a restart: still refused to 2 */
	KUNIT_ASSERT_EQ(test, tc_restart(c, 3), 0);
	KUNIT_ASSERT_EQ(test, kraft_raft_step(tc_node(c, 3)->r, &v), 0);
	KUNIT_ASSERT_EQ(test, first_msg(tc_node(c, 3), &out, &buf), 0);
	KUNIT_EXPECT_TRUE(test, out.flags & KRAFT_MSGF_REJECT);
	kraft_msg_release(&out);
	kr_free(buf);
	tc_free(c);
}

/* 5.4.1: voters refuse a candidate whose log is less up to date. */
static void kraft_election_restriction(struct kunit *test)
{
	static const u64 longer[] = { 1, 1, 2 };
	static const u64 shorter[] = { 1, 1 };
	static const u64 older[] = { 1, 1, 1, 1 };
	struct tc_cluster *c = tc_new(3, 3, false, false);

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_set_log(c, 1, shorter, 2, 2), 0);
	KUNIT_ASSERT_EQ(test, tc_set_log(c, 2, longer, 3, 2), 0);
	KUNIT_ASSERT_EQ(test, tc_set_log(c, 3, older, 4, 2), 0);
	/* 1 is behind both; 3 has more entries but of an older term */
	KUNIT_EXPECT_NE(test, tc_elect(c, 1), 0);
	tc_cut(c, 1, 3);	/* 3 may ask only 2, which knows better */
	KUNIT_EXPECT_NE(test, tc_elect(c, 3), 0);
	tc_heal(c);
	KUNIT_EXPECT_EQ(test, tc_elect(c, 2), 0);
	tc_free(c);
}

/* A candidate that hears from a leader of its term becomes a follower. */
static void kraft_election_candidate_yields(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, false, false);
	struct kraft_status st;

	KUNIT_ASSERT_NOT_NULL(test, c);
	tc_isolate(c, 3);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	KUNIT_ASSERT_EQ(test, kraft_raft_campaign(tc_node(c, 3)->r), 0);
	tc_run(c);
	tc_status(c, 3, &st);
	KUNIT_EXPECT_EQ(test, st.role, KRAFT_CANDIDATE);
	tc_heal(c);
	/* 3's higher term deposes 1; an election follows and logs agree */
	tc_tick_all(c, 40);
	KUNIT_EXPECT_NE(test, tc_leader(c), 0);
	tc_status(c, 3, &st);
	KUNIT_EXPECT_EQ(test, st.lead, tc_leader(c));
	tc_free(c);
}

/* PreVote: a node back from a partition does not depose the leader. */
static void kraft_election_prevote_rejoin(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, true, true);
	struct kraft_status st;
	u64 term;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	tc_status(c, 1, &st);
	term = st.term;
	tc_isolate(c, 3);
	tc_tick_all(c, 100);
	tc_status(c, 3, &st);
	KUNIT_EXPECT_EQ(test, st.term, term);	/* prevotes fail: no bump */
	tc_heal(c);
	tc_tick_all(c, 30);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_EQ(test, st.role, KRAFT_LEADER);
	KUNIT_EXPECT_EQ(test, st.term, term);
	tc_status(c, 3, &st);
	KUNIT_EXPECT_EQ(test, st.lead, 1);
	tc_free(c);
}

/* Without PreVote the same rejoin forces a new term (the contrast). */
static void kraft_election_no_prevote_disrupts(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, false, false);
	struct kraft_status st;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	tc_isolate(c, 3);
	tc_tick_all(c, 100);
	tc_heal(c);
	tc_tick_all(c, 30);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_GT(test, st.term, 1);
	tc_free(c);
}

/* CheckQuorum: a leader cut off from a majority steps down. */
static void kraft_election_check_quorum_steps_down(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, true, true);
	struct kraft_status st;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	tc_isolate(c, 1);
	tc_tick(c, 1, 2 * c->base.election_ticks);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_NE(test, st.role, KRAFT_LEADER);
	tc_free(c);
}

/* CheckQuorum's lease: voters ignore a campaign while a leader is alive. */
static void kraft_election_lease_ignores_campaign(struct kunit *test)
{
	struct tc_cluster *c = tc_new(3, 3, false, true);
	struct kraft_status st;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, tc_elect(c, 1), 0);
	KUNIT_ASSERT_EQ(test, kraft_raft_campaign(tc_node(c, 3)->r), 0);
	tc_run(c);
	tc_status(c, 1, &st);
	KUNIT_EXPECT_EQ(test, st.role, KRAFT_LEADER);
	tc_status(c, 2, &st);
	KUNIT_EXPECT_EQ(test, st.term, 1);
	tc_free(c);
}

static struct kunit_case kraft_election_cases[] = {
	KUNIT_CASE(kraft_election_basic),
	KUNIT_CASE(kraft_election_single_node),
	KUNIT_CASE(kraft_election_randomized_timeout),
	KUNIT_CASE(kraft_election_one_vote_per_term),
	KUNIT_CASE(kraft_election_restriction),
	KUNIT_CASE(kraft_election_candidate_yields),
	KUNIT_CASE(kraft_election_prevote_rejoin),
	KUNIT_CASE(kraft_election_no_prevote_disrupts),
	KUNIT_CASE(kraft_election_check_quorum_steps_down),
	KUNIT_CASE(kraft_election_lease_ignores_campaign),
	{}
};

static struct kunit_suite kraft_election_suite = {
	.name = "kraft_election",
	.test_cases = kraft_election_cases,
};

kunit_test_suite(kraft_election_suite);
