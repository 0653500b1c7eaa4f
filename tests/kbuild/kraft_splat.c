// SPDX-License-Identifier: GPL-2.0
/*
 * kraft_splat.c - a test-only module that WARNs once when loaded, so that
 * the harness's splat detector is itself tested (tests/suites/50-vm.sh).
 * Never built into kraft.ko, never installed.
 */
#include <linux/module.h>

static int __init kraft_splat_init(void)
{
	WARN(1, "kraft_splat: deliberate warning for the harness self-test\n");
	return 0;
}

static void __exit kraft_splat_exit(void)
{
}

module_init(kraft_splat_init);
module_exit(kraft_splat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kraft harness self-test: WARN on load");
