#!/usr/bin/python3
"""Recovery: a renderer reset (SDL_RENDER_DEVICE_RESET, faked after frame 60 with
TICKER_TEST_RENDERER_RESET) makes the sign start again in place: the same process, a new start
time in the status file, the cached stories back, frames drawn again.

    recovery.py TICKER
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

FEED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "assets", "feeds", "default.json")


def main():
    ticker = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="ticker-recovery-")
    conf = os.path.join(tmp, "ticker.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(f"[status]\nfile = {tmp}/status.json\n[source lobby]\nurl = {FEED}\n")
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", XDG_STATE_HOME=tmp,
               TICKER_TEST_RENDERER_RESET="60")
    log_path = os.path.join(tmp, "sign.log")
    proc = subprocess.Popen([ticker, "--config", conf, "--window", "320x180", "--duration", "60"],
                            env=env, stderr=open(log_path, "w"))

    def fail(msg):
        sys.stderr.write(f"recovery: {msg}\n{open(log_path).read()}\n")
        proc.kill()
        sys.exit(1)

    try:
        end = time.monotonic() + 30
        starts = 0
        while time.monotonic() < end and starts < 2:
            time.sleep(0.1)
            if proc.poll() is not None:
                fail(f"the sign exited with {proc.returncode} instead of starting again")
            starts = open(log_path).read().count("first frame on screen")
        if starts < 2:
            fail("no second start after the renderer reset")
        log = open(log_path).read()
        for line in ("the renderer was reset: its textures are gone",
                     "restarting: the renderer was reset"):
            if line not in log:
                fail(f"no line '{line}'")
        # The second start shows the stories at once and writes the status again.
        end = time.monotonic() + 10
        while time.monotonic() < end:
            try:
                with open(os.path.join(tmp, "status.json"), encoding="utf-8") as f:
                    st = json.load(f)
                if st["stories_shown"] == 8 and st["frames_shown"] >= 0:
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.1)
        else:
            fail("no status with the stories after the restart")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait()
    print("recovery: renderer reset -> started again in place, stories back")


if __name__ == "__main__":
    main()
