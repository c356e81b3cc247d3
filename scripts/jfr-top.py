#!/usr/bin/env python3
"""Aggregates a JFR recording's CPU samples: top self frames and inclusive frames, in percent.

    scripts/jfr-top.py RECORDING.jfr [N]

Needs `jfr` from the JDK that scripts/env.sh finds ($JAVA_HOME/bin/jfr) or on the PATH.
"""
import collections, os, re, subprocess, sys

rec = sys.argv[1]
n_top = int(sys.argv[2]) if len(sys.argv) > 2 else 20
jfr = os.path.join(os.environ.get("JAVA_HOME", ""), "bin", "jfr")
if not os.path.exists(jfr):
    jfr = "jfr"
text = subprocess.run([jfr, "print", "--stack-depth", "64", "--events", "jdk.ExecutionSample", rec],
                      check=True, capture_output=True, text=True).stdout
self_, incl, n = collections.Counter(), collections.Counter(), 0
for ev in text.split("jdk.ExecutionSample")[1:]:
    m = re.search(r"stackTrace = \[(.*?)\n\s*\]", ev, re.S)
    if not m:
        continue
    frames = [re.sub(r"\s+line:.*", "", l.strip()) for l in m.group(1).strip().split("\n")]
    frames = [f for f in frames if f and f != "..."]
    if not frames:
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
