/* SPDX-License-Identifier: GPL-2.0 */
/*
 * latency.h - latency percentiles of a benchmark, shared by `kraftctl
 * bench` and the etcd load generator of make bench (tests/bench), so that
 * both systems are measured the same way.
 */
#ifndef KRAFT_LATENCY_H
#define KRAFT_LATENCY_H

#include <stdint.h>
#include <stdlib.h>

static inline int lat_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* Sort @n latencies in nanoseconds for lat_pct_ms(). */
static inline void lat_sort(uint64_t *v, uint64_t n)
{
	qsort(v, n, sizeof(*v), lat_cmp);
}

/* The @p-th percentile (0-100) of sorted @v, in milliseconds. */
static inline double lat_pct_ms(const uint64_t *v, uint64_t n, double p)
{
	uint64_t i = (uint64_t)(p * (n - 1) / 100.0 + 0.5);

	return v[i < n ? i : n - 1] / 1e6;
}

#endif /* KRAFT_LATENCY_H */
