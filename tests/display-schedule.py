#!/usr/bin/python3
"""The display schedule on a running sign, headless: started inside an off date it draws black
(the SIGUSR2 screenshot is the black frame `ticker render` draws for that time), says
"display": "off" in the status file and ticker_display_on 0 in the metrics file, which must
parse with the Prometheus client's own text parser and hold every metric of the contract. A
reload without the off date turns it on: the next screenshot shows the sign (not black) and the
metrics say 1 with frames counted. A reload that changes the time zone restarts the sign in
place (same process, a new start time).

    display-schedule.py TICKER IMGCMP
"""
import datetime
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import signtest
from prometheus_client.parser import text_string_to_metric_families

REQUIRED = {
    "ticker_frames_total": "counter",
    "ticker_late_frames_total": "counter",
    "ticker_stories": "gauge",
    "ticker_display_on": "gauge",
    "ticker_start_time_seconds": "gauge",
    "ticker_source_last_success_timestamp_seconds": "gauge",
    "ticker_source_failures_total": "counter",
    "ticker_resident_memory_bytes": "gauge",
}
SIZE = "320x180"


def sign(tmp):
    return signtest.Sign("display-schedule", tmp, ("sign.log", "status.json", "ticker.prom"))


def fail(msg, tmp):
    sign(tmp).fail(msg)


def wait_for(what, check, tmp, limit=20.0):
    return sign(tmp).wait_for(what, check, limit)


def status(tmp):
    return sign(tmp).status()


def metrics(tmp):
    """The metrics file as {name: (type, [(labels, value)])}, by the Prometheus parser."""
    with open(os.path.join(tmp, "ticker.prom"), encoding="utf-8") as f:
        text = f.read()
    out = {}
    for fam in text_string_to_metric_families(text):
        # The parser drops the _total suffix from a counter family's name.
        name = fam.name + "_total" if fam.type == "counter" else fam.name
        out[name] = (fam.type, [(s.labels, s.value) for s in fam.samples])
    return out


def check_metrics(m, display_on, tmp):
    for name, kind in REQUIRED.items():
        if name not in m or m[name][0] != kind:
            fail(f"metric {name} ({kind}) missing or of another type: {m.get(name)}", tmp)
    if m["ticker_display_on"][1][0][1] != display_on:
        fail(f"ticker_display_on is {m['ticker_display_on'][1][0][1]}, expected {display_on}", tmp)
    sources = [labels.get("source") for labels, _ in m["ticker_source_failures_total"][1]]
    if sources != ["lobby"]:
        fail(f"per-source metrics for {sources}, expected ['lobby']", tmp)
    if m["ticker_resident_memory_bytes"][1][0][1] < 1e6:
        fail("resident memory below 1 MB", tmp)
    if abs(m["ticker_start_time_seconds"][1][0][1] - time.time()) > 120:
        fail("start time is not now", tmp)
    # The sign's id is its host name, in the metrics as in the status file and the User-Agent.
    info = m.get("ticker_info", (None, [({}, 0)]))[1][0]
    if info[0].get("id") != socket.gethostname() or info[1] != 1:
        fail(f"ticker_info is {info}, expected id={socket.gethostname()}", tmp)


def screenshot(proc, tmp):
    return sign(tmp).screenshot(proc)


def write_config(tmp, schedule):
    with open(os.path.join(tmp, "ticker.conf"), "w", encoding="utf-8") as f:
        f.write(f"{schedule}\n[status]\nfile = {tmp}/status.json\n"
                f"metrics_file = {tmp}/ticker.prom\n[source lobby]\nurl = {FEED}\n")


def main():
    ticker, imgcmp = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="ticker-schedule-")
    today = datetime.date.today()
    off = f"[schedule]\noff_dates = {today - datetime.timedelta(days=1)}..{today + datetime.timedelta(days=1)}\ntimezone = UTC"
    write_config(tmp, off)
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", XDG_STATE_HOME=tmp)
    log = open(os.path.join(tmp, "sign.log"), "w")
    proc = subprocess.Popen([ticker, "--config", os.path.join(tmp, "ticker.conf"), "--window", SIZE,
                             "--duration", "60"], env=env, stderr=log)
    try:
        # Off: black, said in both files.
        wait_for("display off in the status file", lambda: status(tmp)["display"] == "off", tmp)
        if status(tmp).get("id") != socket.gethostname():
            fail(f"status id {status(tmp).get('id')!r}, expected {socket.gethostname()!r}", tmp)
        check_metrics(wait_for("metrics", lambda: metrics(tmp), tmp), 0, tmp)
        shot = screenshot(proc, tmp)
        black = os.path.join(tmp, "black.png")
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        r = subprocess.run([ticker, "render", "--config", os.path.join(tmp, "ticker.conf"), "--at", "0",
                            "--size", SIZE, "--now", now, "--out", black], env=env)
        if r.returncode != 0:
            fail("ticker render failed", tmp)
        if subprocess.run([imgcmp, black, shot, "--tolerance", "0"]).returncode != 0:
            fail("the screenshot while off is not the black frame ticker render draws", tmp)

        # On: a reload without the off date; the sign is drawn again.
        write_config(tmp, "[schedule]\ntimezone = UTC")
        proc.send_signal(signal.SIGHUP)
        wait_for("display on in the status file", lambda: status(tmp)["display"] == "on", tmp)
        time.sleep(3)  # frames are counted every 128 (about 2 s at 60 Hz)
        shot = screenshot(proc, tmp)
        if subprocess.run([imgcmp, black, shot, "--tolerance", "0"],
                          stderr=subprocess.DEVNULL).returncode != 1:
            fail("the screenshot while on is black", tmp)
        proc.send_signal(signal.SIGHUP)  # rewrites both files now
        m = wait_for("frames in the metrics",
                     lambda: (lambda m: m["ticker_frames_total"][1][0][1] > 0 and m)(metrics(tmp)), tmp)
        check_metrics(m, 1, tmp)

        # A new time zone: the same process starts again.
        started = status(tmp)["started"]
        time.sleep(1.1)
        write_config(tmp, "[schedule]\ntimezone = Europe/Berlin")
        proc.send_signal(signal.SIGHUP)
        wait_for("a restart", lambda: status(tmp)["started"] != started, tmp)
        if proc.poll() is not None:
            fail(f"the sign exited ({proc.returncode}) instead of restarting", tmp)
        if "restarting: the time zone changed" not in open(os.path.join(tmp, "sign.log")).read():
            fail("no restart line in the log", tmp)
        wait_for("display on after the restart", lambda: status(tmp)["display"] == "on", tmp)
    finally:
        proc.terminate()
        proc.wait()
    print("display-schedule: off, on and restart as expected")


FEED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets", "feeds", "default.json")

if __name__ == "__main__":
    main()
