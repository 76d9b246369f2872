#!/usr/bin/env python3
"""Prints the results table of bench/run.

  report.py RESULTS.tsv [--markdown]

Each input line: scenario, metric, unit, mesh, peer name, peer, direct, target, note (tab-separated;
"-" or "nan" for a missing figure). Targets: "ratio>=X" (mesh/peer at least X), "ratio<=X" (mesh/peer
at most X), "<X" or "<=X" (the mesh figure itself), "-" (no target). Ratio is always mesh / peer.
"""
import math
import sys


def num(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isnan(value) else value


def fmt(value):
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def verdict(target, mesh, ratio):
    if target in ("", "-"):
        return "-"
    if target.startswith("ratio"):
        op, bound = target[5:7], float(target[7:])
        value = ratio
    else:
        op = target[:2] if target[:2] in ("<=", ">=") else target[:1]
        bound = float(target[len(op):])
        value = mesh
    if value is None:
        return "MISS"
    ok = {"<": value < bound, "<=": value <= bound, ">": value > bound, ">=": value >= bound}[op]
    return "PASS" if ok else "MISS"


def rows(path):
    out = []
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("\t") + [""] * 9
            scenario, metric, unit, mesh, peer_name, peer, direct, target, note = parts[:9]
            m, p, d = num(mesh), num(peer), num(direct)
            ratio = m / p if m is not None and p not in (None, 0) else None
            out.append([scenario, f"{metric} ({unit})" if unit else metric, fmt(m),
                        f"{fmt(p)} {peer_name}".strip() if p is not None else "-",
                        f"{ratio:.2f}x" if ratio is not None else "-", fmt(d),
                        target if target else "-", verdict(target, m, ratio), note])
    return out


HEADER = ["scenario", "metric", "mesh", "peer", "ratio", "direct", "target", "result", "note"]


def main():
    table = rows(sys.argv[1])
    markdown = "--markdown" in sys.argv[2:]
    if markdown:
        print("| " + " | ".join(HEADER) + " |")
        print("|" + "|".join("---" for _ in HEADER) + "|")
        for r in table:
            print("| " + " | ".join(c.replace("|", "/") for c in r) + " |")
    else:
        widths = [max(len(str(r[i])) for r in table + [HEADER]) for i in range(len(HEADER) - 1)]
        line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)) + ("  " + r[-1] if r[-1] else "")
        print(line(HEADER))
        print("  ".join("-" * w for w in widths))
        for r in table:
            print(line(r))
    misses = sum(1 for r in table if r[7] == "MISS")
    passes = sum(1 for r in table if r[7] == "PASS")
    print(f"\n{passes} PASS, {misses} MISS")


if __name__ == "__main__":
    main()
