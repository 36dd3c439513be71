#!/usr/bin/python3
"""check-feed --json: one JSON document, the same verdict as the lines, per story and size."""
import json
import subprocess
import sys

ticker = sys.argv[1:]  # the program, after a crossing emulator if there is one
DATA = "tests/data/check-feed"


def check_feed(name, status, *args):
    run = subprocess.run(ticker + ["check-feed", f"{DATA}/{name}", "--json", *args],
                         capture_output=True, text=True, check=False)
    assert run.returncode == status, (name, run.returncode, run.stderr)
    assert run.stderr == "", (name, run.stderr)
    return json.loads(run.stdout)


ok = check_feed("ok.json", 0)
assert ok["problems"] == [], ok["problems"]
assert ok["sizes"] == ["1920x1080", "1080x1920"], ok["sizes"]
first, second = ok["stories"]
assert [f["from"] for f in first["figures"]] == ["feed"], first
assert [(f["value"], f["from"]) for f in second["figures"]] == [("75,000", "extracted")], second
for story in ok["stories"]:
    assert [e["size"] for e in story["layout"]] == ok["sizes"], story
    assert all(1 <= e["headline_lines"] <= 3 and not e["headline_cut"] for e in story["layout"])
    assert story["expired"] is False and story["duplicate_of"] is None, story
    assert story["missing_glyphs"] == 0, story
    assert story["alert"] is False and story["past_max_stories"] is False, story

cut = check_feed("cut.json", 1)
assert all(e["headline_cut"] for e in cut["stories"][0]["layout"]), cut
assert len(cut["problems"]) == 2 and all("headline cut" in p for p in cut["problems"]), cut

expired = check_feed("expired.json", 1)
assert [s["expired"] for s in expired["stories"]] == [True, False], expired
assert expired["stories"][0]["expires"] == "2020-01-01T00:00:00Z", expired

dup = check_feed("duplicate.json", 1)
assert [s["duplicate_of"] for s in dup["stories"]] == [None, None, 1], dup
assert [s["similar_to"] for s in dup["stories"]] == [None, 1, None], dup

glyph = check_feed("glyph.json", 1)
assert glyph["stories"][0]["missing_glyphs"] == 1, glyph

starts = check_feed("starts.json", 0)
assert starts["stories"][0]["starts"] == "2099-01-01T00:00:00Z", starts
assert starts["stories"][0]["not_started"] is True and starts["problems"] == [], starts

alert = check_feed("alert.json", 1)
assert [s["alert"] for s in alert["stories"]] == [True, True], alert
assert [s["expired"] for s in alert["stories"]] == [False, True], alert
assert len(alert["problems"]) == 1 and "story 2" in alert["problems"][0], alert["problems"]

over = check_feed("max-stories.json", 1, "--config", f"{DATA}/max-stories.conf")
assert [s["past_max_stories"] for s in over["stories"]] == [True, False, False], over
assert over["problems"] == [f"{DATA}/max-stories.json: story 1 \"US–China trade talks reach a "
                            "stalemate\": not shown: past max_stories (2)"], over["problems"]

signed = check_feed("signed.json", 0)
assert signed["signature"]["key_id"] == "C66FC6879012B370", signed["signature"]
assert signed["signature"]["timestamp"] == "2025-03-04T09:00:00Z", signed["signature"]
assert signed["signature"]["valid"] is None  # no key in the (default) config: not checked
print("check-feed --json: ok")
