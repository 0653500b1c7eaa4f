// SPDX-License-Identifier: GPL-2.0
/*
 * lincheck.c - see lincheck.h. Usage: lincheck FILE; exits 0 when the
 * history is linearizable, 1 when not (printing the shortest failing
 * prefix of one key's operations), 2 when it gives up.
 *
 * The model, per key: present or not, its value, its mod revision.
 * Operations whose outcome is unknown may take effect at any time after
 * their call, or never; a failed operation with a null result had no
 * effect and is ignored; a failed CAS whose result is a number observed
 * that mod revision (0: absent) instead of the one it expected; a
 * put, delete or CAS with unknown outcome leaves the revision unknown
 * (a wildcard), which later checks accept either way.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include "lincheck.h"

#define REV_ANY		UINT64_MAX
#define BUDGET		20000000ul

enum { OP_GET, OP_PUT, OP_DEL, OP_CAS };
enum { ST_OK, ST_FAIL, ST_UNKNOWN };

struct op {
	int client;
	int kind;
	char *key;
	char *value;
	uint64_t rev;
	uint64_t call;
	uint64_t ret;		/* UINT64_MAX when unknown */
	int status;
	bool res_null;
	char *res_str;
	uint64_t res_num;
	int line;
};

struct state {
	bool present;
	const char *value;
	uint64_t mod_rev;
};

/* ---- a small parser for the flat JSON objects of the format ---- */

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

static const char *parse_str(const char *p, char **out)
{
	size_t cap = 16, n = 0;
	char *s = malloc(cap);

	if (!s || *p != '"')
		goto fail;
	for (p++; *p && *p != '"'; p++) {
		char ch = *p;

		if (ch == '\\') {
			p++;
			switch (*p) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case 'r': ch = '\r'; break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'u': {
				unsigned int v;

				if (sscanf(p + 1, "%4x", &v) != 1)
					goto fail;
				ch = v < 0x80 ? (char)v : '?';
				p += 4;
				break;
			}
			case '"': case '\\': case '/': ch = *p; break;
			default: goto fail;
			}
		}
		if (n + 2 > cap) {
			char *t = realloc(s, cap *= 2);

			if (!t)
				goto fail;
			s = t;
		}
		s[n++] = ch;
	}
	if (*p != '"')
		goto fail;
	s[n] = 0;
	*out = s;
	return p + 1;
fail:
	free(s);
	return NULL;
}

/* One value: a string (set *str), a number (set *num), or null. */
static const char *parse_val(const char *p, char **str, uint64_t *num,
			     bool *is_null)
{
	*str = NULL;
	*is_null = false;
	*num = 0;
	if (*p == '"')
		return parse_str(p, str);
	if (!strncmp(p, "null", 4)) {
		*is_null = true;
		return p + 4;
	}
	if (*p >= '0' && *p <= '9') {
		char *end;

		errno = 0;
		*num = strtoull(p, &end, 10);
		return errno ? NULL : end;
	}
	return NULL;
}

static int parse_line(const char *p, struct op *o)
{
	bool have_op = false, have_status = false, have_call = false;

	memset(o, 0, sizeof(*o));
	o->ret = UINT64_MAX;
	p = skip_ws(p);
	if (*p++ != '{')
		return -1;
	for (;;) {
		char *name, *str;
		uint64_t num;
		bool is_null;

		p = skip_ws(p);
		if (*p == '}')
			break;
		p = parse_str(p, &name);
		if (!p)
			return -1;
		p = skip_ws(p);
		if (*p++ != ':') {
			free(name);
			return -1;
		}
		p = parse_val(skip_ws(p), &str, &num, &is_null);
		if (!p) {
			free(name);
			return -1;
		}
		if (!strcmp(name, "client")) {
			o->client = (int)num;
		} else if (!strcmp(name, "op") && str) {
			have_op = true;
			o->kind = !strcmp(str, "get") ? OP_GET :
				  !strcmp(str, "put") ? OP_PUT :
				  !strcmp(str, "del") ? OP_DEL :
				  !strcmp(str, "cas") ? OP_CAS : -1;
		} else if (!strcmp(name, "key") && str) {
			o->key = str;
			str = NULL;
		} else if (!strcmp(name, "value") && str) {
			o->value = str;
			str = NULL;
		} else if (!strcmp(name, "rev")) {
			o->rev = num;
		} else if (!strcmp(name, "call")) {
			o->call = num;
			have_call = true;
		} else if (!strcmp(name, "ret")) {
			o->ret = is_null ? UINT64_MAX : num;
		} else if (!strcmp(name, "status") && str) {
			have_status = true;
			o->status = !strcmp(str, "ok") ? ST_OK :
				    !strcmp(str, "fail") ? ST_FAIL :
				    !strcmp(str, "unknown") ? ST_UNKNOWN : -1;
		} else if (!strcmp(name, "result")) {
			o->res_null = is_null;
			o->res_num = num;
			o->res_str = str;
			str = NULL;
		}
		free(name);
		free(str);
		p = skip_ws(p);
		if (*p == ',')
			p++;
	}
	if (!have_op || !have_status || !have_call || !o->key ||
	    o->kind < 0 || o->status < 0)
		return -1;
	if (o->status == ST_UNKNOWN)
		o->ret = UINT64_MAX;
	else if (o->ret == UINT64_MAX || o->ret < o->call)
		return -1;
	return 0;
}

/* ---- the model ---- */

static bool rev_is(uint64_t have, uint64_t want)
{
	return have == REV_ANY || have == want;
}

/* May @o take effect in @s? If so, the state after it. */
static bool step(const struct op *o, const struct state *s, struct state *n)
{
	bool known = o->status != ST_UNKNOWN;

	*n = *s;
	switch (o->kind) {
	case OP_GET:
		if (o->res_null)
			return !s->present;
		return s->present && o->res_str &&
		       !strcmp(s->value, o->res_str);
	case OP_PUT:
		if (known && s->mod_rev != REV_ANY && s->present &&
		    o->res_num <= s->mod_rev)
			return false;
		n->present = true;
		n->value = o->value ? o->value : "";
		n->mod_rev = known ? o->res_num : REV_ANY;
		return true;
	case OP_DEL:
		if (known && o->res_null)
			return !s->present;
		if (known && !s->present)
			return false;
		n->present = false;
		n->value = NULL;
		n->mod_rev = 0;
		return true;
	default:	/* CAS */
		if (o->status == ST_FAIL)
			return o->rev ? !s->present || s->mod_rev == REV_ANY ||
					s->mod_rev != o->rev
				      : s->present;
		if (o->rev ? !s->present || !rev_is(s->mod_rev, o->rev)
			   : s->present)
			return false;
		n->present = true;
		n->value = o->value ? o->value : "";
		n->mod_rev = known ? o->res_num : REV_ANY;
		return true;
	}
}

/* ---- the search ---- */

struct entry {
	int op;			/* index into the key's ops */
	bool is_call;
	uint64_t time;
	struct entry *prev, *next, *match;
};

struct cache {
	uint64_t *keys;
	uint64_t **sets;
	size_t cap, n;
	size_t words;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static uint64_t state_hash(const uint64_t *set, size_t words,
			   const struct state *s)
{
	uint64_t h = s->present * 31 + hash_str(s->value);
	size_t i;

	h = mix(h, s->mod_rev);
	for (i = 0; i < words; i++)
		h = mix(h, set[i]);
	return h;
}

/* Insert; false if (set, state) was seen before. */
static bool cache_add(struct cache *c, const uint64_t *set,
		      const struct state *s)
{
	uint64_t h = state_hash(set, c->words, s);
	size_t i, w = c->words;
	uint64_t *copy;

	if (c->n * 2 >= c->cap) {
		struct cache n = { .cap = c->cap ? c->cap * 2 : 1024,
				   .words = w };

		n.keys = calloc(n.cap, sizeof(*n.keys));
		n.sets = calloc(n.cap, sizeof(*n.sets));
		if (!n.keys || !n.sets)
			return false;
		for (i = 0; i < c->cap; i++) {
			size_t j;

			if (!c->sets[i])
				continue;
			for (j = c->keys[i] & (n.cap - 1); n.sets[j];
			     j = (j + 1) & (n.cap - 1))
				;
			n.keys[j] = c->keys[i];
			n.sets[j] = c->sets[i];
		}
		n.n = c->n;
		free(c->keys);
		free(c->sets);
		*c = n;
	}
	for (i = h & (c->cap - 1); c->sets[i]; i = (i + 1) & (c->cap - 1)) {
		/* the state is folded in as 3 extra words after the set */
		if (c->keys[i] == h && !memcmp(c->sets[i], set, w * 8) &&
		    c->sets[i][w] == s->present &&
		    c->sets[i][w + 1] == hash_str(s->value) &&
		    c->sets[i][w + 2] == s->mod_rev)
			return false;
	}
	copy = malloc((w + 3) * 8);
	if (!copy)
		return false;
	memcpy(copy, set, w * 8);
	copy[w] = s->present;
	copy[w + 1] = hash_str(s->value);
	copy[w + 2] = s->mod_rev;
	c->keys[i] = h;
	c->sets[i] = copy;
	c->n++;
	return true;
}

static void cache_free(struct cache *c)
{
	size_t i;

	for (i = 0; i < c->cap; i++)
		free(c->sets[i]);
	free(c->keys);
	free(c->sets);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	/* calls before returns at the same instant: they overlap */
	return (int)y->is_call - (int)x->is_call;
}

static void lift(struct entry *e)
{
	e->prev->next = e->next;
	if (e->next)
		e->next->prev = e->prev;
	if (e->match) {
		e->match->prev->next = e->match->next;
		if (e->match->next)
			e->match->next->prev = e->match->prev;
	}
}

static void unlift(struct entry *e)
{
	if (e->match) {
		e->match->prev->next = e->match;
		if (e->match->next)
			e->match->next->prev = e->match;
	}
	e->prev->next = e;
	if (e->next)
		e->next->prev = e;
}

/* Is this one key's history linearizable? LC_OK, LC_VIOLATION, LC_GAVE_UP */
static int check_key(struct op **ops, int n, unsigned long *budget)
{
	struct entry *ents = calloc(2 * n + 1, sizeof(*ents)), head = { 0 };
	struct entry **stack = calloc(n + 1, sizeof(*stack));
	struct state *states = calloc(n + 1, sizeof(*states));
	size_t words = (n + 63) / 64;
	uint64_t *set = calloc(words + 1, 8);
	struct cache cache = { .words = words };
	int i, ne = 0, sp = 0, pending = 0, rc = LC_OK;
	struct entry *e;

	if (!ents || !stack || !states || !set) {
		rc = LC_GAVE_UP;
		goto out;
	}
	for (i = 0; i < n; i++) {
		ents[ne] = (struct entry){ .op = i, .is_call = true,
					   .time = ops[i]->call };
		ne++;
		if (ops[i]->status != ST_UNKNOWN) {
			ents[ne] = (struct entry){ .op = i,
						   .time = ops[i]->ret };
			ne++;
			pending++;
		}
	}
	qsort(ents, ne, sizeof(*ents), cmp_entry);
	for (i = 0; i < ne; i++) {
		int j;

		ents[i].prev = i ? &ents[i - 1] : &head;
		ents[i].next = i + 1 < ne ? &ents[i + 1] : NULL;
		if (!ents[i].is_call)
			continue;
		for (j = i + 1; j < ne; j++)
			if (!ents[j].is_call && ents[j].op == ents[i].op)
				ents[i].match = &ents[j];
	}
	head.next = ne ? &ents[0] : NULL;
	if (ne)
		ents[0].prev = &head;
	states[0] = (struct state){ 0 };
	e = head.next;
	while (pending) {
		struct state next;

		if (!(*budget)--) {
			rc = LC_GAVE_UP;
			break;
		}
		if (e && e->is_call) {
			if (step(ops[e->op], &states[sp], &next)) {
				set[e->op / 64] |= 1ull << (e->op % 64);
				if (cache_add(&cache, set, &next)) {
					stack[sp++] = e;
					states[sp] = next;
					pending -= e->match != NULL;
					lift(e);
					e = head.next;
					continue;
				}
				set[e->op / 64] &= ~(1ull << (e->op % 64));
			}
			e = e->next;
			continue;
		}
		/* a return whose op is not linearized, or the end: backtrack */
		if (!sp) {
			rc = LC_VIOLATION;
			break;
		}
		e = stack[--sp];
		pending += e->match != NULL;
		set[e->op / 64] &= ~(1ull << (e->op % 64));
		unlift(e);
		e = e->next;
	}
out:
	cache_free(&cache);
	free(ents);
	free(stack);
	free(states);
	free(set);
	return rc;
}

static int cmp_ret(const void *a, const void *b)
{
	const struct op *x = *(struct op * const *)a, *y = *(struct op * const *)b;

	if (x->ret != y->ret)
		return x->ret < y->ret ? -1 : 1;
	return x->call < y->call ? -1 : x->call > y->call;
}

static void print_op(FILE *f, const struct op *o)
{
	static const char * const kinds[] = { "get", "put", "del", "cas" };
	static const char * const st[] = { "ok", "fail", "unknown" };

	fprintf(f, "  line %d: client %d %s(%s", o->line, o->client,
		kinds[o->kind], o->key);
	if (o->value)
		fprintf(f, ", \"%s\"", o->value);
	if (o->kind == OP_CAS)
		fprintf(f, ", rev %llu", (unsigned long long)o->rev);
	fprintf(f, ") [%llu, ", (unsigned long long)o->call);
	if (o->ret == UINT64_MAX)
		fprintf(f, "?] %s", st[o->status]);
	else
		fprintf(f, "%llu] %s", (unsigned long long)o->ret,
			st[o->status]);
	if (o->status != ST_UNKNOWN) {
		if (o->res_null)
			fprintf(f, " -> null");
		else if (o->res_str)
			fprintf(f, " -> \"%s\"", o->res_str);
		else if (o->kind != OP_GET)
			fprintf(f, " -> %llu", (unsigned long long)o->res_num);
	}
	fputc('\n', f);
}

/*
 * The shortest failing prefix of one key's history, by return time: the
 * operations that returned by then, with those still running at that
 * moment turned into unknowns (they may or may not take effect). A
 * linearizable history has only linearizable prefixes of this kind.
 */
static void witness(struct op **ops, int n, FILE *f)
{
	struct op **sorted = malloc(n * sizeof(*sorted));
	struct op **sub = malloc(n * sizeof(*sub));
	struct op *tmp = malloc(n * sizeof(*tmp));
	unsigned long budget = BUDGET;
	int len, i, m = 0;

	if (!sorted || !sub || !tmp)
		goto out;
	memcpy(sorted, ops, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_ret);
	for (len = 1; len <= n; len++) {
		uint64_t t = sorted[len - 1]->ret;

		if (t == UINT64_MAX)
			break;
		for (i = 0, m = 0; i < n; i++) {
			if (ops[i]->call > t)
				continue;
			tmp[m] = *ops[i];
			if (ops[i]->ret > t) {
				tmp[m].status = ST_UNKNOWN;
				tmp[m].ret = UINT64_MAX;
			}
			sub[m] = &tmp[m];
			m++;
		}
		if (check_key(sub, m, &budget) == LC_VIOLATION)
			break;
		m = 0;
	}
	if (!m) {
		for (i = 0; i < n; i++)
			sub[i] = ops[i];
		m = n;
	}
	fprintf(f, "not linearizable: key \"%s\", %d operations (those still running at the end shown as unknown):\n",
		ops[0]->key, m);
	for (i = 0; i < m; i++)
		print_op(f, sub[i]);
out:
	free(sorted);
	free(sub);
	free(tmp);
}

static int cmp_key(const void *a, const void *b)
{
	const struct op *x = *(struct op * const *)a, *y = *(struct op * const *)b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->call < y->call ? -1 : x->call > y->call;
}

static void free_op(struct op *o)
{
	free(o->key);
	free(o->value);
	free(o->res_str);
}

/**
 * lincheck_file() - check the history in @path
 * @path: a JSON-lines history
 * @report: where to explain a verdict other than linearizable
 *
 * Return: LC_OK, LC_VIOLATION or LC_GAVE_UP.
 */
int lincheck_file(const char *path, FILE *report)
{
	FILE *f = fopen(path, "r");
	struct op *ops = NULL, **idx = NULL;
	size_t n = 0, cap = 0, i, start;
	char *line = NULL;
	size_t lcap = 0;
	int lineno = 0, rc = LC_OK;
	unsigned long budget = BUDGET;

	if (!f) {
		fprintf(report, "lincheck: %s: %s\n", path, strerror(errno));
		return LC_GAVE_UP;
	}
	while (getline(&line, &lcap, f) > 0) {
		struct op o;

		lineno++;
		if (*skip_ws(line) == 0)
			continue;
		if (parse_line(line, &o)) {
			fprintf(report, "lincheck: %s:%d: not a history record\n",
				path, lineno);
			free_op(&o);
			rc = LC_GAVE_UP;
			goto out;
		}
		o.line = lineno;
		/*
		 * A failure that surely did not take effect and observed
		 * nothing; a failed CAS with a result saw that mod revision.
		 */
		if (o.status == ST_FAIL && (o.kind != OP_CAS || o.res_null)) {
			free_op(&o);
			continue;
		}
		if (n == cap) {
			struct op *t = realloc(ops, (cap = cap ? 2 * cap : 256) *
						    sizeof(*ops));

			if (!t) {
				free_op(&o);
				rc = LC_GAVE_UP;
				goto out;
			}
			ops = t;
		}
		ops[n++] = o;
	}
	idx = malloc((n ? n : 1) * sizeof(*idx));
	if (!idx) {
		rc = LC_GAVE_UP;
		goto out;
	}
	for (i = 0; i < n; i++)
		idx[i] = &ops[i];
	qsort(idx, n, sizeof(*idx), cmp_key);
	for (start = 0; start < n && rc == LC_OK; start = i) {
		for (i = start; i < n && !strcmp(idx[i]->key, idx[start]->key);
		     i++)
			;
		rc = check_key(idx + start, i - start, &budget);
		if (rc == LC_VIOLATION)
			witness(idx + start, i - start, report);
		else if (rc == LC_GAVE_UP)
			fprintf(report, "lincheck: gave up on key \"%s\" (%zu operations)\n",
				idx[start]->key, i - start);
	}
out:
	for (i = 0; i < n; i++)
		free_op(&ops[i]);
	free(ops);
	free(idx);
	free(line);
	fclose(f);
	return rc;
}

#ifndef LINCHECK_NO_MAIN
int main(int argc, char **argv)
{
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: lincheck FILE\n");
		return LC_GAVE_UP;
	}
	rc = lincheck_file(argv[1], stdout);
	if (rc == LC_OK)
		printf("linearizable\n");
	return rc;
}
#endif
