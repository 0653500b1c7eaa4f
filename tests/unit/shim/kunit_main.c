// SPDX-License-Identifier: GPL-2.0
/*
 * kunit_main.c - runs the suites registered through the userspace KUnit
 * shim and prints KTAP version 1, as the kernel's KUnit does.
 *
 * Usage: kraft-unit [SUITE-GLOB]   (default: every suite)
 * Exit status: 0 when every case passed, 1 otherwise.
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <kunit/test.h>

#define MAX_SUITES 128

static struct kunit_suite *suites[MAX_SUITES];
static int nsuites;

void kunit_shim_register(struct kunit_suite *suite)
{
	if (nsuites < MAX_SUITES)
		suites[nsuites++] = suite;
}

void kunit_shim_fail(struct kunit *test, const char *file, int line,
		     const char *fmt, ...)
{
	va_list ap;

	test->failed = 1;
	printf("    # %s: EXPECTATION FAILED at %s:%d\n    # ", test->name,
	       file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void *kunit_kzalloc(struct kunit *test, size_t size, int gfp)
{
	struct kunit_res_node *n = calloc(1, sizeof(*n) + size);

	(void)gfp;
	if (!n)
		return NULL;
	n->next = test->res;
	test->res = n;
	return n + 1;
}

static int run_one(struct kunit_suite *s, struct kunit_case *c,
		   const void *param)
{
	struct kunit t = { .name = c->name, .param_value = param };
	struct kunit_res_node *n;

	if (setjmp(t.abort_jmp) == 0) {
		if (s->init && s->init(&t)) {
			t.failed = 1;
		} else {
			c->run_case(&t);
		}
	}
	if (s->exit)
		s->exit(&t);
	while ((n = t.res)) {
		t.res = n->next;
		free(n);
	}
	fflush(stdout);
	return t.failed;
}

static int run_suite(struct kunit_suite *s, int idx)
{
	struct kunit_case *c;
	int n = 0, i = 0, failed_suite = 0;

	for (c = s->test_cases; c->run_case; c++)
		n++;
	printf("    KTAP version 1\n    # Subtest: %s\n    1..%d\n", s->name, n);
	if (s->suite_init && s->suite_init(s)) {
		printf("not ok %d %s # suite_init failed\n", idx, s->name);
		return 1;
	}
	for (c = s->test_cases; c->run_case; c++) {
		int failed = 0;

		i++;
		if (c->generate_params) {
			char desc[KUNIT_PARAM_DESC_SIZE];
			const void *p = NULL;
			int pi = 0;

			printf("        KTAP version 1\n        # Subtest: %s\n", c->name);
			desc[0] = 0;
			while ((p = c->generate_params(p, desc))) {
				int f = run_one(s, c, p);

				pi++;
				printf("        %s %d %s\n", f ? "not ok" : "ok", pi,
				       desc[0] ? desc : "param");
				failed |= f;
				desc[0] = 0;
			}
			printf("        1..%d\n", pi);
		} else {
			failed = run_one(s, c, NULL);
		}
		printf("    %s %d %s\n", failed ? "not ok" : "ok", i, c->name);
		failed_suite |= failed;
	}
	if (s->suite_exit)
		s->suite_exit(s);
	printf("%s %d %s\n", failed_suite ? "not ok" : "ok", idx, s->name);
	return failed_suite;
}

int main(int argc, char **argv)
{
	const char *glob = argc > 1 ? argv[1] : "*";
	int i, n = 0, idx = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < nsuites; i++)
		if (!fnmatch(glob, suites[i]->name, 0))
			n++;
	printf("KTAP version 1\n1..%d\n", n);
	for (i = 0; i < nsuites; i++)
		if (!fnmatch(glob, suites[i]->name, 0))
			failed |= run_suite(suites[i], ++idx);
	return failed ? 1 : 0;
}
