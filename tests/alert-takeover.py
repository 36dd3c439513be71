#!/usr/bin/python3
"""Alerts on a running sign, headless, fed over loopback HTTP with refresh = 30:

1. The news is up. An alert added to the feed (no signal, no reload) takes over within one
   poll: the status file says alerts_shown 1, the log says so, and the SIGUSR2 screenshot is
   mostly the theme's alert colour.
2. The alert removed from the feed: the news is back within one of the 30 s polls the held
   alert brings.
3. An alert that expires in a few seconds (published with a reload, which polls at once):
   it takes over, and hands back within 2 s of its expiry, without a poll.

    alert-takeover.py TICKER
"""
import datetime
import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

import pngread
import signtest

SIZE = "480x270"
FEED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets", "feeds", "default.json")


def sign(tmp):
    return signtest.Sign("alert-takeover", tmp, ("sign.log", "status.json"))


def fail(msg, tmp):
    sign(tmp).fail(msg)


def wait_for(what, check, tmp, limit=20.0):
    return sign(tmp).wait_for(what, check, limit)


def status(tmp):
    return sign(tmp).status()


def alert_share(proc, tmp):
    """The share of the screen in the alert's colours: its background and the card's darker shade."""
    return pngread.alert_share(pngread.png_pixels(sign(tmp).screenshot(proc))[2])


def publish(tmp, items):
    # The server's Last-Modified has whole seconds: a change within the second of the last
    # copy the sign fetched would be answered 304.
    time.sleep(1.1)
    feed = json.load(open(FEED, encoding="utf-8"))
    feed["items"] = items + feed["items"]
    path = os.path.join(tmp, "www", "feed.json")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(feed, f)
    os.replace(path + ".tmp", path)


def rfc3339(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def alert(**ticker):
    return {"id": "alert-drill", "title": "Fire drill at 14:00: please leave by the east stairs",
            "summary": "Facilities test the alarms for ten minutes.",
            "date_published": rfc3339(time.time()), "_ticker": dict(alert=True, **ticker)}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main():
    ticker = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="ticker-alert-")
    os.mkdir(os.path.join(tmp, "www"))
    publish(tmp, [])
    handler = lambda *a, **k: Quiet(*a, directory=os.path.join(tmp, "www"), **k)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    conf = os.path.join(tmp, "ticker.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(f"[status]\nfile = {tmp}/status.json\n[source lobby]\n"
                f"url = http://127.0.0.1:{server.server_port}/feed.json\nrefresh = 30\n")
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", XDG_STATE_HOME=tmp)
    log = open(os.path.join(tmp, "sign.log"), "w")
    proc = subprocess.Popen([ticker, "--config", conf, "--window", SIZE, "--duration", "170"],
                            env=env, stderr=log)
    try:
        wait_for("the news", lambda: status(tmp)["sources"][0]["items"] > 1, tmp, 20)
        if status(tmp)["alerts_shown"] != 0 or alert_share(proc, tmp) > 0.01:
            fail("an alert colour on the screen before any alert", tmp)

        # 1. Added to the feed: seen at the next poll (30 s +-10%), nothing else done.
        publish(tmp, [alert()])
        t0 = time.monotonic()
        wait_for("the alert to take over", lambda: status(tmp)["alerts_shown"] == 1, tmp, 36)
        took = time.monotonic() - t0
        share = alert_share(proc, tmp)
        if share < 0.5:
            fail(f"the alert is on but only {share:.0%} of the screen is in its colours", tmp)
        if 'takes over the sign' not in open(os.path.join(tmp, "sign.log")).read():
            fail("no take-over line in the log", tmp)
        print(f"alert-takeover: took over {took:.1f} s after it was published; {share:.0%} of the "
              "screen in the alert's colours")

        # 2. Removed from the feed: gone at the next poll.
        publish(tmp, [])
        t0 = time.monotonic()
        wait_for("the alert to leave", lambda: status(tmp)["alerts_shown"] == 0, tmp, 36)
        left = time.monotonic() - t0
        time.sleep(0.5)
        share = alert_share(proc, tmp)
        if share > 0.01:
            fail(f"the alert left but {share:.0%} of the screen is still in its colours", tmp)
        print(f"alert-takeover: removed, left {left:.1f} s later; the news is back")

        # 3. Expiring: hands back on its second, without a poll.
        expires = int(time.time()) + 8
        publish(tmp, [alert(expires=rfc3339(expires))])
        proc.send_signal(signal.SIGHUP)  # a reload polls at once
        wait_for("the expiring alert", lambda: status(tmp)["alerts_shown"] == 1, tmp, 10)
        if alert_share(proc, tmp) < 0.5:
            fail("the expiring alert is not on the screen", tmp)
        wait_for("the alert's expiry", lambda: status(tmp)["alerts_shown"] == 0, tmp, 15)
        late = time.time() - expires
        if late > 2.0:
            fail(f"the alert left {late:.1f} s after its expiry", tmp)
        if alert_share(proc, tmp) > 0.01:
            fail("the alert expired but its colours are still on the screen", tmp)
        print(f"alert-takeover: expired alert left {late:.2f} s after its expiry")
    finally:
        proc.terminate()
        proc.wait()
        server.shutdown()


if __name__ == "__main__":
    main()
