#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# tests/bench/report.py RESULTS DIR: the report of `make bench` from the
# JSON lines tests/vm/guest/bench.sh wrote to RESULTS. Prints the table of
# kraft beside etcd, the floor, the one-node puts, the appends against raw
# FUA writes, kernel memory, and one line per target, exactly
# "TARGET <name>: measured <x> (goal <y>) met|missed" (a target whose
# measurement is missing says "measured n/a ... missed"). Writes
# DIR/plot.dat and DIR/plot.gp, the gnuplot script of the latency against
# throughput plot, for tests/bench/run to draw.
import json
import sys

CLIENTS = (1, 16, 64, 256)


def name(w, ser):
    return w + (" (serial.)" if ser else " (lin.)" if w == "get" else "")


def cell(r, field, fmt):
    return fmt % r[field] if r else "-"


def table(runs):
    row = "%-16s %6s %7s | %9s %9s %6s | %8s %8s %6s | %8s %8s"
    print(row % ("workload", "value", "clients", "kraft/s", "etcd/s",
                 "ratio", "kraft p50", "etcd p50", "ratio", "kraft p99",
                 "etcd p99"))
    order = sorted(runs, key=lambda k: (k[0] != "put", k[1], k[2], k[3]))
    for key in order:
        k, e = runs[key].get("kraft"), runs[key].get("etcd")
        ratio = "-"
        if k and e:
            ratio = "%.2f" % (k["ops_per_s"] / e["ops_per_s"])
        lat = "-"
        if k and e and e["p50_ms"]:
            lat = "%.2f" % (k["p50_ms"] / e["p50_ms"])
        print(row % (
            name(key[0], key[1]), key[2], key[3],
            cell(k, "ops_per_s", "%.0f"), cell(e, "ops_per_s", "%.0f"),
            ratio, cell(k, "p50_ms", "%.2f"), cell(e, "p50_ms", "%.2f"),
            lat, cell(k, "p99_ms", "%.1f"), cell(e, "p99_ms", "%.1f")))
        for sysname, r in (("kraft", k), ("etcd", e)):
            if r and r["errors"]:
                print("  %s: %d errors" % (sysname, r["errors"]))


def plot(runs, res):
    """p50 latency against throughput, one line per system and workload
    (128 B values), a point per client count."""
    series = []
    with open(res + "/plot.dat", "w") as d:
        for sysname in ("kraft", "etcd"):
            for w, ser in (("put", False), ("get", False), ("get", True)):
                pts = [runs[(w, ser, 128, c)][sysname] for c in CLIENTS
                       if sysname in runs.get((w, ser, 128, c), {})]
                if not pts:
                    continue
                d.write("# %s %s\n" % (sysname, name(w, ser)))
                for r in pts:
                    d.write("%f %f %d\n" % (r["ops_per_s"], r["p50_ms"],
                                            r["clients"]))
                d.write("\n\n")
                series.append("%s %s" % (sysname, name(w, ser)))
    with open(res + "/plot.gp", "w") as g:
        g.write("set terminal png size 960,600\n")
        g.write('set output "%s/latency-throughput.png"\n' % res)
        g.write("set logscale xy\n")
        g.write('set xlabel "throughput (ops/s)"\n')
        g.write('set ylabel "p50 latency (ms)"\n')
        g.write('set title "kraft and etcd, 3 nodes, one TCG guest, 128 B'
                ' (points: 1, 16, 64, 256 clients)"\n')
        g.write("set key outside right\nset grid\n")
        g.write("plot " + ", ".join(
            '"%s/plot.dat" index %d with linespoints title "%s"'
            % (res, i, s) for i, s in enumerate(series)) + "\n")


def target(tname, value, goal, ok):
    if value is None:
        print("TARGET %s: measured n/a (goal %s) missed" % (tname, goal))
    else:
        print("TARGET %s: measured %.2f (goal %s) %s"
              % (tname, value, goal, "met" if ok(value) else "missed"))


def appends(rows):
    # the last run of each case (busybox insmod may run it twice)
    app = list({(r["append"]["entry_size"], r["append"]["batch"]):
                r["append"] for r in rows if "append" in r}.values())
    cpu = [r["guest_cpu"] for r in rows if "guest_cpu" in r]
    if cpu:
        c = cpu[0]
        print("guest CPU: %s%s; memcpy %s" % (
            c["model"], " (QEMU -accel %s -cpu %s)"
            % (c["accel"], c["qemu_cpu"]) if c.get("accel") else "",
            "by rep movsb (erms)" if c["erms"] else "without erms"))
    for c in [r["append_cpu"] for r in rows if "append_cpu" in r][-1:]:
        mib = c["bytes"] / 2**20
        print("CPU work in this guest, a MiB: CRC32C %.2f ms by %s,"
              " %.2f ms by the table (kraft uses %s); memcpy %.2f ms"
              % (c["crc32c_us"] / 1000 / mib, c["crc32c_driver"],
                 c["table_us"] / 1000 / mib, c["crc_used"],
                 c["memcpy_us"] / 1000 / mib))
    if app:
        print("appends to the disk log against raw FUA writes of the"
              " same payload (one guest, one disk):")
        print("(entries bring their data's CRC32C, as a leader's with"
              " values of 64 B or more do; \"no CRC\": encoding them as a follower"
              " does)")
        print("%8s %6s | %12s %10s %10s %12s | %10s %10s | %6s" % (
            "entry", "batch", "kraft us/b", "encoding", "no CRC",
            "raw us/w", "kraft MB/s", "raw MB/s", "ratio"))
    for a in app:
        print("%8d %6d | %12d %10s %10s %12d | %10.1f %10.1f | %6.2f" % (
            a["entry_size"], a["batch"], a["kraft_us_per_batch"],
            a.get("encode_us_per_batch", "-"),
            a.get("encode_nosum_us_per_batch", "-"),
            a["raw_us_per_write"], a["kraft_mb_s"], a["raw_mb_s"],
            a["ratio"]))
    big = [a["ratio"] for a in app if a["batch"] >= 64]
    target("append-vs-raw-fua-batch-64-and-more", min(big) if big else None,
           "0.8", lambda v: v >= 0.8)


def main():
    rows = [json.loads(ln) for ln in open(sys.argv[1]) if ln.strip()]
    res = sys.argv[2]
    floor = {r["floor"]: r["ms"] for r in rows if "floor" in r}
    mem = [r for r in rows if "memory" in r]
    runs = {}
    for r in rows:
        if "workload" in r:
            key = (r["workload"], r["serializable"], r["value_size"],
                   r["clients"])
            runs.setdefault(key, {})[r.get("system", "kraft")] = r
    # both parts measured, or no floor (the target then says "missed")
    fl = 0
    if floor.get("fua_4k_write") and floor.get("rtt"):
        fl = floor["fua_4k_write"] + floor["rtt"]

    table(runs)
    print("floor: one 4 KiB FUA write %.3f ms + one TCP round trip %.3f ms"
          " = %.3f ms (ICMP ping: %.3f ms)" % (
              floor.get("fua_4k_write", 0), floor.get("rtt", 0), fl,
              floor.get("icmp_rtt", 0)))
    plot(runs, res)

    once = {}
    for r in rows:
        if "writes_at_once" in r:
            once.setdefault(r["writes_at_once"], []).append(
                r["bench"]["p50_ms"])
    if once.get(1) and once.get(3):
        print("one-node kraft, put 128 B at 1 client, p50: %.3f ms alone,"
              " %.3f ms with three such clusters writing at once (their"
              " median)" % (once[1][0], sorted(once[3])[len(once[3]) // 2]))
    appends(rows)

    grow = None
    if mem:
        m = mem[0]
        grow = (m["after_kb"] - m["before_kb"]) * 1024 / m["nodes"]
        print("kernel memory: %.1f MiB slab+vmalloc per node for %d keys"
              " (%.1f MiB raw)" % (grow / 2**20, m["keys"],
                                   m["raw_bytes"] / 2**20))

    def vs_etcd(w):
        r = runs.get((w, False, 128, 64), {})
        if "kraft" in r and "etcd" in r and r["etcd"]["ops_per_s"]:
            return r["kraft"]["ops_per_s"] / r["etcd"]["ops_per_s"]
        return None

    target("write-throughput-64-clients-vs-etcd", vs_etcd("put"), "5",
           lambda v: v >= 5)
    target("linearizable-read-throughput-vs-etcd", vs_etcd("get"), "5",
           lambda v: v >= 5)
    p50 = runs.get(("put", False, 128, 1), {}).get("kraft")
    target("p50-write-latency-1-client-vs-floor",
           p50["p50_ms"] / fl if p50 and fl else None, "1.5",
           lambda v: v <= 1.5)
    target("kernel-memory-vs-data",
           grow / mem[0]["raw_bytes"] if mem else None, "2",
           lambda v: v <= 2)


if __name__ == "__main__":
    main()
