#!/usr/bin/python3
"""bench/parse driver. On one generated 5 MB RSS file, side by side in one run:
- ticker: feed_parse in-process (to stories, figures extracted), median of RUNS;
- expat: a raw expat scan of the same bytes in the same process, and xmlwf as a process;
- feedparser: feedparser.parse of the same bytes in-process (import excluded).
Reports medians and the ratios the feeds issue sets, writes bench/out/parse.json."""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

build, runs = sys.argv[1], int(sys.argv[2])
here = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp(prefix="ticker-bench-")
feed = os.path.join(work, "feed.xml")
subprocess.run([sys.executable, os.path.join(here, "make-feed.py"), feed, "5"], check=True)
size = os.path.getsize(feed)
data = open(feed, "rb").read()

import feedparser  # noqa: E402  (Debian's python3-feedparser)

ticker_ms, expat_ms, xmlwf_ms, fp_ms = [], [], [], []
stories = fp_entries = 0
for _ in range(runs):
    out = subprocess.run([os.path.join(build, "bench", "parse-time"), feed, "3"], check=True,
                         capture_output=True, text=True).stdout.split()
    ticker_ms.append(float(out[0]))
    expat_ms.append(float(out[1]))
    stories = int(out[2])
    t = time.perf_counter()
    subprocess.run(["xmlwf", feed], check=True, stdout=subprocess.DEVNULL)
    xmlwf_ms.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    fp_entries = len(feedparser.parse(data).entries)
    fp_ms.append((time.perf_counter() - t) * 1000)

med = {"ticker": statistics.median(ticker_ms), "expat_scan": statistics.median(expat_ms),
       "xmlwf_process": statistics.median(xmlwf_ms), "feedparser": statistics.median(fp_ms)}
print(f"file: {size / 1048576:.2f} MiB RSS 2.0; ticker read {stories} stories, feedparser "
      f"{fp_entries}; medians of {runs} interleaved rounds")
print(f"{'parser':<28} {'ms':>9} {'MiB/s':>8}")
names = {"ticker": "ticker feed_parse (+figures)", "expat_scan": "expat raw scan",
         "xmlwf_process": "xmlwf (whole process)", "feedparser": "python3 feedparser"}
for k, v in med.items():
    print(f"{names[k]:<28} {v:>9.1f} {size / 1048576 / (v / 1000):>8.1f}")
r_scan = med["ticker"] / med["expat_scan"]
r_xmlwf = med["ticker"] / med["xmlwf_process"]
r_fp = med["feedparser"] / med["ticker"]
print(f"ticker / expat scan = {r_scan:.2f}x   ticker / xmlwf = {r_xmlwf:.2f}x   (target <= 2.0)")
print(f"feedparser / ticker = {r_fp:.1f}x   (target >= 30)")
os.makedirs(os.path.join(here, "out"), exist_ok=True)
with open(os.path.join(here, "out", "parse.json"), "w") as f:
    json.dump({"bytes": size, "stories": stories, "feedparser_entries": fp_entries,
               "rounds": runs, "median_ms": med, "ticker_over_expat_scan": r_scan,
               "ticker_over_xmlwf": r_xmlwf, "feedparser_over_ticker": r_fp}, f, indent=2)
ok = r_xmlwf <= 2.0 and r_scan <= 2.0 and r_fp >= 30 and stories == fp_entries
print("targets met" if ok else "TARGETS MISSED")
sys.exit(0 if ok else 1)
