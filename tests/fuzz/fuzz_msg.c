// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_msg.c - libFuzzer target: hostile bytes as a Raft message. The
 * decoder must refuse or accept without reading out of bounds; whatever
 * it accepts is stepped into a follower, a candidate and a leader of a
 * three-voter cluster, whose ready must then be takeable.
 */
#include "raft.h"
#include "msg.h"

static struct kraft_raft *core(u8 role)
{
	struct kraft_config cfg;
	struct kraft_ready rd;
	struct kraft_raft *r;
	int err;

	kraft_config_default(&cfg, 1);
	cfg.pre_vote = role != 1;
	cfg.initial.n_voters = 3;
	cfg.initial.voters[0] = 1;
	cfg.initial.voters[1] = 2;
	cfg.initial.voters[2] = 3;
	r = kraft_raft_new(&cfg, &err);
	if (!r)
		return NULL;
	if (role)
		kraft_raft_campaign(r);
	if (role == 2) {
		/* two granted votes make it leader */
		struct kraft_msg v = {
			.type = KRAFT_MSG_PREVOTE_RESP, .from = 2, .to = 1,
			.term = 1,
		};

		kraft_raft_step(r, &v);
		v.type = KRAFT_MSG_VOTE_RESP;
		kraft_raft_step(r, &v);
	}
	while (kraft_raft_has_ready(r)) {
		kraft_raft_ready(r, &rd);
		kraft_raft_advance(r);
	}
	return r;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct kraft_ready rd;
	struct kraft_msg m;
	u8 role;

	if (size > (1u << 20))
		return 0;
	if (kraft_msg_decode(data, size, &m))
		return 0;
	for (role = 0; role < 3; role++) {
		struct kraft_raft *r = core(role);

		if (!r)
			break;
		m.to = 1;
		kraft_raft_step(r, &m);
		kraft_raft_tick(r);
		while (kraft_raft_has_ready(r)) {
			kraft_raft_ready(r, &rd);
			kraft_raft_advance(r);
		}
		kraft_raft_free(r);
	}
	kraft_msg_release(&m);
	return 0;
}
