/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A userspace stand-in for the subset of <kunit/test.h> that kraft's tests
 * use, so that the same *_test.c sources run as KUnit suites in the kernel
 * and as a plain program under ASan/UBSan here. Output is KTAP, parsed by
 * the same scripts as the kernel's.
 *
 * Supported: KUNIT_CASE, KUNIT_CASE_PARAM, KUNIT_ARRAY_PARAM, suites with
 * init/exit, test->priv, the EXPECT/ASSERT macros below, kunit_info,
 * kunit_kzalloc/kunit_kmalloc (freed after the case).
 */
#ifndef KRAFT_KUNIT_SHIM_H
#define KRAFT_KUNIT_SHIM_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KUNIT_PARAM_DESC_SIZE 128

struct kunit_res_node {
	struct kunit_res_node *next;
};

struct kunit {
	void *priv;
	const char *name;
	const void *param_value;
	int failed;
	jmp_buf abort_jmp;
	struct kunit_res_node *res;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
	int slow;
};

struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(fn) { .run_case = fn, .name = #fn }
#define KUNIT_CASE_SLOW(fn) { .run_case = fn, .name = #fn, .slow = 1 }
#define KUNIT_CASE_PARAM(fn, gen) \
	{ .run_case = fn, .name = #fn, .generate_params = gen }

#define KUNIT_ARRAY_PARAM(name, array, get_desc)			\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		typeof((array)[0]) *__next = prev ?			\
			((typeof(__next))prev) + 1 : (array);		\
		void (*__get_desc)(typeof(__next), char *) = get_desc;	\
		if (__next - (array) < (long)(sizeof(array) / sizeof((array)[0]))) { \
			if (__get_desc)					\
				__get_desc(__next, desc);		\
			return __next;					\
		}							\
		return NULL;						\
	}

void kunit_shim_register(struct kunit_suite *suite);
void kunit_shim_fail(struct kunit *test, const char *file, int line,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void *kunit_kzalloc(struct kunit *test, size_t size, int gfp);
#define kunit_kmalloc(t, s, g) kunit_kzalloc(t, s, g)
#define kunit_kcalloc(t, n, s, g) kunit_kzalloc(t, (n) * (s), g)
#ifndef GFP_KERNEL
#define GFP_KERNEL 0
#endif

#define __kunit_concat2(a, b) a##b
#define __kunit_concat(a, b) __kunit_concat2(a, b)
#define kunit_test_suites(...)						\
	static struct kunit_suite *__kunit_concat(__kunit_suites_, __LINE__)[] = \
		{ __VA_ARGS__, NULL };					\
	__attribute__((constructor)) static void			\
	__kunit_concat(__kunit_reg_, __LINE__)(void)			\
	{								\
		struct kunit_suite **s;					\
		for (s = __kunit_concat(__kunit_suites_, __LINE__); *s; s++) \
			kunit_shim_register(*s);			\
	}
#define kunit_test_suite(suite) kunit_test_suites(&suite)

#define kunit_info(test, fmt, ...) \
	printf("    # %s: " fmt, (test)->name, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...) \
	printf("    # %s: " fmt, (test)->name, ##__VA_ARGS__)
#define kunit_log(lvl, test, fmt, ...) kunit_info(test, fmt, ##__VA_ARGS__)

#define __KUNIT_CHECK(test, cond, is_assert, fmt, ...)			\
	do {								\
		if (!(cond)) {						\
			kunit_shim_fail(test, __FILE__, __LINE__, fmt,	\
					##__VA_ARGS__);			\
			if (is_assert)					\
				longjmp((test)->abort_jmp, 1);		\
		}							\
	} while (0)

#define __KUNIT_BINOP(test, l, op, r, a)				\
	do {								\
		long long __l = (long long)(l), __r = (long long)(r);	\
		__KUNIT_CHECK(test, __l op __r, a,			\
			      "Expected %s %s %s, but %s == %lld, %s == %lld", \
			      #l, #op, #r, #l, __l, #r, __r);		\
	} while (0)

#define __KUNIT_PTROP(test, l, op, r, a)				\
	do {								\
		const void *__l = (l), *__r = (r);			\
		__KUNIT_CHECK(test, __l op __r, a, "Expected %s %s %s", \
			      #l, #op, #r);				\
	} while (0)

#define KUNIT_EXPECT_EQ(t, l, r) __KUNIT_BINOP(t, l, ==, r, 0)
#define KUNIT_EXPECT_NE(t, l, r) __KUNIT_BINOP(t, l, !=, r, 0)
#define KUNIT_EXPECT_LT(t, l, r) __KUNIT_BINOP(t, l, <, r, 0)
#define KUNIT_EXPECT_LE(t, l, r) __KUNIT_BINOP(t, l, <=, r, 0)
#define KUNIT_EXPECT_GT(t, l, r) __KUNIT_BINOP(t, l, >, r, 0)
#define KUNIT_EXPECT_GE(t, l, r) __KUNIT_BINOP(t, l, >=, r, 0)
#define KUNIT_ASSERT_EQ(t, l, r) __KUNIT_BINOP(t, l, ==, r, 1)
#define KUNIT_ASSERT_NE(t, l, r) __KUNIT_BINOP(t, l, !=, r, 1)
#define KUNIT_ASSERT_LT(t, l, r) __KUNIT_BINOP(t, l, <, r, 1)
#define KUNIT_ASSERT_LE(t, l, r) __KUNIT_BINOP(t, l, <=, r, 1)
#define KUNIT_ASSERT_GT(t, l, r) __KUNIT_BINOP(t, l, >, r, 1)
#define KUNIT_ASSERT_GE(t, l, r) __KUNIT_BINOP(t, l, >=, r, 1)
#define KUNIT_EXPECT_TRUE(t, c) __KUNIT_CHECK(t, !!(c), 0, "Expected %s to be true", #c)
#define KUNIT_EXPECT_FALSE(t, c) __KUNIT_CHECK(t, !(c), 0, "Expected %s to be false", #c)
#define KUNIT_ASSERT_TRUE(t, c) __KUNIT_CHECK(t, !!(c), 1, "Expected %s to be true", #c)
#define KUNIT_ASSERT_FALSE(t, c) __KUNIT_CHECK(t, !(c), 1, "Expected %s to be false", #c)
#define KUNIT_EXPECT_PTR_EQ(t, l, r) __KUNIT_PTROP(t, l, ==, r, 0)
#define KUNIT_EXPECT_PTR_NE(t, l, r) __KUNIT_PTROP(t, l, !=, r, 0)
#define KUNIT_EXPECT_NULL(t, p) __KUNIT_PTROP(t, p, ==, NULL, 0)
#define KUNIT_EXPECT_NOT_NULL(t, p) __KUNIT_PTROP(t, p, !=, NULL, 0)
#define KUNIT_ASSERT_NULL(t, p) __KUNIT_PTROP(t, p, ==, NULL, 1)
#define KUNIT_ASSERT_NOT_NULL(t, p) __KUNIT_PTROP(t, p, !=, NULL, 1)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p) KUNIT_ASSERT_NOT_NULL(t, p)
#define KUNIT_EXPECT_STREQ(t, l, r)					\
	__KUNIT_CHECK(t, strcmp((l), (r)) == 0, 0,			\
		      "Expected %s == %s (\"%s\" vs \"%s\")", #l, #r, (l), (r))
#define KUNIT_ASSERT_STREQ(t, l, r)					\
	__KUNIT_CHECK(t, strcmp((l), (r)) == 0, 1,			\
		      "Expected %s == %s (\"%s\" vs \"%s\")", #l, #r, (l), (r))
#define KUNIT_FAIL(t, fmt, ...)						\
	__KUNIT_CHECK(t, 0, 0, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_EQ_MSG(t, l, r, fmt, ...)				\
	__KUNIT_CHECK(t, (long long)(l) == (long long)(r), 0, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_EQ_MSG(t, l, r, fmt, ...)				\
	__KUNIT_CHECK(t, (long long)(l) == (long long)(r), 1, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_GE_MSG(t, l, r, fmt, ...)				\
	__KUNIT_CHECK(t, (long long)(l) >= (long long)(r), 0, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_LT_MSG(t, l, r, fmt, ...)				\
	__KUNIT_CHECK(t, (long long)(l) < (long long)(r), 0, fmt, ##__VA_ARGS__)
#define KUNIT_EXPECT_TRUE_MSG(t, c, fmt, ...)				\
	__KUNIT_CHECK(t, !!(c), 0, fmt, ##__VA_ARGS__)
#define KUNIT_ASSERT_TRUE_MSG(t, c, fmt, ...)				\
	__KUNIT_CHECK(t, !!(c), 1, fmt, ##__VA_ARGS__)

#endif /* KRAFT_KUNIT_SHIM_H */
