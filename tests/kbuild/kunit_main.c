// SPDX-License-Identifier: GPL-2.0
/*
 * kunit_main.c - module boilerplate of kraft_test.ko. The suites register
 * themselves with kunit_test_suites() in each of tests/unit/; KUnit
 * runs them when the module loads and prints KTAP to the kernel log.
 */
#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kraft KUnit suites (pure core)");
