/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lincheck.h - a linearizability checker for kraft client histories (the
 * JSON-lines format of tests/sim/kraft-sim --history). Wing and Gong's
 * search with Lowe's memoisation, split per key as Porcupine does.
 */
#ifndef KRAFT_LINCHECK_H
#define KRAFT_LINCHECK_H

#include <stdio.h>

#define LC_OK		0	/* linearizable */
#define LC_VIOLATION	1	/* not linearizable; a witness was printed */
#define LC_GAVE_UP	2	/* search budget exhausted, or bad input */

int lincheck_file(const char *path, FILE *report);

#endif /* KRAFT_LINCHECK_H */
