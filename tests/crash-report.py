#!/usr/bin/python3
"""Crash report: a sign that dies of SIGSEGV first writes the signal and a backtrace
(module+offset, for addr2line against the debug symbols) to stderr, the journal under systemd,
and then dies of the same signal, so systemd's restart and a core dump see a crash.

    crash-report.py TICKER        (exit 77: skipped, a sanitizer build reports crashes itself)
"""
import os
import signal
import subprocess
import sys
import tempfile
import time


def main():
    ticker = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="ticker-crash-")
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", XDG_STATE_HOME=tmp)
    log_path = os.path.join(tmp, "sign.log")
    with open(log_path, "w") as log:
        proc = subprocess.Popen([ticker, "--window", "320x180", "--duration", "30"], env=env,
                                stderr=log)
        end = time.monotonic() + 20
        while time.monotonic() < end and "first frame" not in open(log_path).read():
            time.sleep(0.1)
        proc.send_signal(signal.SIGSEGV)
        status = proc.wait(timeout=20)
    text = open(log_path).read()
    if "Sanitizer" in text:
        print("crash-report: skipped: a sanitizer build reports crashes itself")
        return 77
    lines = text.splitlines()
    head = [i for i, line in enumerate(lines) if "fatal signal SIGSEGV" in line]
    own = [line for line in lines[head[0] + 1:] if "ticker(+0x" in line] if head else []
    if status != -signal.SIGSEGV or not head or len(own) < 2:
        sys.stderr.write(f"crash-report: exit status {status}, report lines {len(head)}, own "
                         f"frames {len(own)}; the sign's stderr:\n{text}\n")
        return 1
    print(f"crash-report: died of SIGSEGV after '{lines[head[0]]}' and {len(own)} frames of its "
          "own")
    return 0


if __name__ == "__main__":
    sys.exit(main())
