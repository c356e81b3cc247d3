#!/usr/bin/env python3
"""Aggregates a JFR recording's CPU samples: top self frames and inclusive frames, in percent.

    scripts/jfr-top.py RECORDING.jfr [N] [--from HH:MM:SS[.mmm]] [--to HH:MM:SS[.mmm]] [--match TEXT]
                       [--event NAME] [--thread TEXT]

--from/--to keep the samples taken in that window (wall clock of the recording, as `jfr print` shows
it), e.g. one benchmark phase: `jfr print --events jdk.ProcessStart` gives when each wrk started.
--match keeps the samples whose stack has a frame containing TEXT.
--event reads another sample event than jdk.ExecutionSample, e.g. jdk.CPUTimeSample (JDK 25's CPU-time
sampler, which also sees a thread while it runs native code such as SQLite's; record it with
`jdk.CPUTimeSample#enabled=true`). --thread keeps the samples of the threads whose name contains TEXT
(e.g. bosun-sqlite-writer).

Needs `jfr` from the JDK that scripts/env.sh finds ($JAVA_HOME/bin/jfr) or on the PATH.
"""
import collections, os, re, subprocess, sys

args = sys.argv[1:]
opts = {}
for k in ("--from", "--to", "--match", "--event", "--thread"):
    if k in args:
        i = args.index(k)
        opts[k] = args[i + 1]
        del args[i:i + 2]
rec = args[0]
n_top = int(args[1]) if len(args) > 1 else 20
jfr = os.path.join(os.environ.get("JAVA_HOME", ""), "bin", "jfr")
if not os.path.exists(jfr):
    jfr = "jfr"
event = opts.get("--event", "jdk.ExecutionSample")
text = subprocess.run([jfr, "print", "--stack-depth", "64", "--events", event, rec],
                      check=True, capture_output=True, text=True).stdout
self_, incl, n = collections.Counter(), collections.Counter(), 0
for ev in text.split(event + " {")[1:]:
    if "--thread" in opts:
        th = re.search(r'(?:sampledThread|eventThread) = "([^"]*)"', ev)
        if not th or opts["--thread"] not in th.group(1):
            continue
    t = re.search(r"startTime = (\d\d:\d\d:\d\d(?:\.\d+)?)", ev)
    if t and ("--from" in opts or "--to" in opts):
        when = t.group(1)
        if "--from" in opts and when < opts["--from"]:
            continue
        if "--to" in opts and when > opts["--to"]:
            continue
    m = re.search(r"stackTrace = \[(.*?)\n\s*\]", ev, re.S)
    if not m:
        continue
    frames = [re.sub(r"\s+line:.*", "", l.strip()) for l in m.group(1).strip().split("\n")]
    frames = [f for f in frames if f and f != "..."]
    if not frames:
        continue
    if "--match" in opts and not any(opts["--match"] in f for f in frames):
        continue
    n += 1
    self_[frames[0]] += 1
    for f in set(frames):
        incl[f] += 1
print(f"{n} samples")
print("self:")
for f, c in self_.most_common(n_top):
    print(f"  {c * 100 / n:5.1f}%  {f}")
print("inclusive:")
for f, c in incl.most_common(n_top):
    print(f"  {c * 100 / n:5.1f}%  {f}")
