#!/usr/bin/env python3
"""Which frames appear or grow in one JFR profile against another (src/bench/security.sh writes an off and an on
profile of the same scenario). Two views, each as shares of the execution samples in the first profile, the second,
and the difference, largest growth first:
- own: each sample counted once, for the class of its innermost frame outside the JDK (java., jdk., sun., com.sun.),
  so a filter that only wraps the rest of the request counts only the work it does itself (by package, then class);
- inclusive: for every method, the samples in whose stack it appears anywhere.
Reads the profiles with the JDK's `jfr print`. With --allocation the same views weigh the allocation samples
(jdk.ObjectAllocationSample, by the bytes each stands for) instead of the execution samples: what a request allocates
is what the collector later spends its CPU on, outside any Java frame. Each thread's first allocation sample is left
out: its weight is all the thread allocated since it started, before the recording began (in a profile of a few
minutes those first samples carried two thirds of all the bytes, each put on whatever allocation happened to be
sampled: a Tomcat or Spring frame one time, HAPI's the next).

With --thread PREFIX only the events of threads whose name begins with PREFIX count (http-nio: the request threads,
where the security filters run), so a difference in H2's background writer or the collector does not hide theirs.

Usage: src/bench/jfr-diff.py [--allocation] [--thread PREFIX] BASE.jfr OTHER.jfr [LINES] [FILTER]
FILTER: only names containing one of its comma-separated parts (org.springframework.security,com.nimbusds), with the
total own share of those packages in each profile.
"""
import collections
import re
import subprocess
import sys

FRAME = re.compile(r"^\s+([\w$.<>/]+)\(.*\)\s+line:")


JDK = ("java.", "jdk.", "sun.", "com.sun.")


THREAD = re.compile(r'^\s+(?:sampledThread|eventThread) = "([^"]*)"')
WEIGHT = re.compile(r"^\s+weight = ([\d.,]+) (bytes|kB|MB|GB)")
UNITS = {"bytes": 1, "kB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}


def profile(path, event, thread=None):
    """The samples' total weight (1 each, or the bytes an allocation sample stands for), the inclusive weight of each
    method and the own weight of each class."""
    out = subprocess.run(
        ["jfr", "print", "--stack-depth", "256", "--events", event, path],
        check=True, capture_output=True, text=True).stdout
    inclusive = collections.Counter()
    own = collections.Counter()
    samples = 0
    methods = None
    owner = None
    weight = 1
    wanted = True
    thread_name = None
    sampled = set()

    def close():
        nonlocal samples
        if methods is not None and event == "jdk.ObjectAllocationSample":
            first = thread_name not in sampled
            sampled.add(thread_name)
            if first:
                return
        if methods is not None and wanted:
            samples += weight
            own[owner or "(the JDK alone)"] += weight
            for method in methods:
                inclusive[method] += weight

    for line in out.splitlines():
        if line.startswith(event):
            close()
            methods = set()
            owner = None
            weight = 1
            wanted = thread is None
            thread_name = None
            continue
        t = THREAD.match(line)
        if t and methods is not None:
            thread_name = t.group(1)
            wanted = thread is None or thread_name.startswith(thread)
            continue
        w = WEIGHT.match(line)
        if w and methods is not None:
            weight = float(w.group(1).replace(",", "")) * UNITS[w.group(2)]
            continue
        m = FRAME.match(line)
        if m and methods is not None:
            method = m.group(1)
            if owner is None and not method.startswith(JDK):
                owner = method.rsplit(".", 1)[0]
            methods.add(method)
    close()
    return samples, inclusive, own


def packages(own):
    out = collections.Counter()
    for cls, n in own.items():
        out[".".join(cls.split(".")[:4])] += n
    return out


def table(title, n0, c0, n1, c1, lines, only):
    print(f"{'base %':>8} {'other %':>8} {'grew':>7}  {title}")
    rows = []
    for m in set(c0) | set(c1):
        if only and not any(o in m for o in only):
            continue
        a = 100.0 * c0[m] / max(n0, 1)
        b = 100.0 * c1[m] / max(n1, 1)
        rows.append((b - a, a, b, m))
    rows.sort(reverse=True)
    for d, a, b, m in rows[:lines]:
        print(f"{a:8.2f} {b:8.2f} {d:+7.2f}  {m}")


def main():
    args = sys.argv[1:]
    event = "jdk.ExecutionSample"
    if args and args[0] == "--allocation":
        event = "jdk.ObjectAllocationSample"
        args = args[1:]
    thread = None
    if args and args[0] == "--thread":
        thread = args[1]
        args = args[2:]
    base, other = args[0], args[1]
    lines = int(args[2]) if len(args) > 2 else 40
    only = [o for o in (args[3] if len(args) > 3 else "").split(",") if o]
    n0, i0, o0 = profile(base, event, thread)
    n1, i1, o1 = profile(other, event, thread)
    unit = "samples" if event == "jdk.ExecutionSample" else "bytes sampled"
    print(f"{base}: {n0:.0f} {unit}; {other}: {n1:.0f} {unit}" + (f" (threads {thread}*)" if thread else ""))
    if only:
        t0 = sum(n for c, n in o0.items() if any(o in c for o in only))
        t1 = sum(n for c, n in o1.items() if any(o in c for o in only))
        print(f"own share of {', '.join(only)}: {100.0 * t0 / max(n0, 1):.2f} % and {100.0 * t1 / max(n1, 1):.2f} %")
    table("package (own, first four parts of the class name)", n0, packages(o0), n1, packages(o1), lines, only)
    print()
    table("class (own: innermost frame outside the JDK)", n0, o0, n1, o1, lines, only)
    print()
    table("method (inclusive: anywhere in the stack)", n0, i0, n1, i1, lines, only)


if __name__ == "__main__":
    main()
