#!/usr/bin/python3
"""The sign as systemd sees it: runs `ticker` headless with NOTIFY_SOCKET and WATCHDOG_USEC
set, listens on the socket as systemd does, and checks the protocol: READY=1 once, after the
first frame is on screen; WATCHDOG=1 never further apart than the watchdog allows; a STATUS=
line; STOPPING=1 at exit. Once with a socket path and once with an abstract socket name.

    sd-notify.py TICKER
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

WATCHDOG_USEC = 400000
DURATION_S = 3


def run(ticker, tmp, abstract):
    name = f"ticker-notify-{os.getpid()}" if abstract else os.path.join(tmp, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name if abstract else name)
    sock.settimeout(0.5)
    stats = os.path.join(tmp, "stats.json")
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", NOTIFY_SOCKET=("@" + name if abstract else name),
               WATCHDOG_USEC=str(WATCHDOG_USEC), XDG_STATE_HOME=tmp, XDG_RUNTIME_DIR=tmp)
    env.pop("WATCHDOG_PID", None)
    proc = subprocess.Popen([ticker, "--window", "640x360", "--stats", stats,
                             "--duration", str(DURATION_S)], env=env)
    messages = []  # (unix time received, text)
    while True:
        try:
            data = sock.recv(4096)
            messages.append((time.time(), data.decode()))
        except socket.timeout:
            if proc.poll() is not None:
                break
    sock.close()
    if proc.returncode != 0:
        sys.exit(f"ticker exited with {proc.returncode}")
    with open(stats) as f:
        first_frame = json.load(f)["first_frame_unix_ns"] / 1e9

    label = "abstract" if abstract else "path"
    ready = [t for t, m in messages if m == "READY=1"]
    pings = [t for t, m in messages if m == "WATCHDOG=1"]
    status = [m for _, m in messages if m.startswith("STATUS=")]
    problems = []
    if len(ready) != 1:
        problems.append(f"READY=1 sent {len(ready)} times")
    elif ready[0] < first_frame:
        problems.append(f"READY=1 came {first_frame - ready[0]:.3f} s before the first frame")
    # A ping at least every half interval while frames are drawn.
    expected = DURATION_S / (WATCHDOG_USEC / 2e6)
    if len(pings) < expected * 0.8:
        problems.append(f"{len(pings)} watchdog pings in {DURATION_S} s, expected ~{expected:.0f}")
    gaps = [b - a for a, b in zip(pings, pings[1:])]
    if gaps and max(gaps) > WATCHDOG_USEC / 1e6:
        problems.append(f"watchdog pings {max(gaps):.3f} s apart, more than WATCHDOG_USEC")
    if not any("stories" in m for m in status):
        problems.append(f"no STATUS= summary (got {status})")
    if not messages or messages[-1][1] != "STOPPING=1":
        problems.append("the last message is not STOPPING=1")
    print(f"{label}: READY {len(ready)}, WATCHDOG {len(pings)} (max gap "
          f"{max(gaps) if gaps else 0:.3f} s), {status[-1] if status else 'no STATUS'}")
    for p in problems:
        print(f"{label}: {p}", file=sys.stderr)
    return not problems


def main():
    ticker = sys.argv[1]
    ok = True
    for abstract in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            ok &= run(ticker, tmp, abstract)
    sys.exit(0 if ok else 1)


main()
