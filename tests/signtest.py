"""What the tests that run a whole sign share: failing with the files it wrote, waiting on them
(they are replaced whole, but may not be there yet), its status file, a SIGUSR2 screenshot."""
import json
import os
import signal
import sys
import time


class Sign:
    def __init__(self, test, tmp, files):
        self.test, self.tmp, self.files = test, tmp, files

    def fail(self, msg):
        """Says msg and what the sign wrote (files in tmp), and ends the test."""
        sys.stderr.write(f"{self.test}: {msg}\n")
        for name in self.files:
            path = os.path.join(self.tmp, name)
            if os.path.exists(path):
                text = open(path, encoding="utf-8", errors="replace").read()
                sys.stderr.write(f"--- {name}\n{text}\n")
        sys.exit(1)

    def wait_for(self, what, check, limit=20.0):
        """check()'s first true value within limit seconds, else the test fails."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            try:
                value = check()
                if value:
                    return value
            except (OSError, ValueError, KeyError):
                pass  # not written yet
            time.sleep(0.05)
        self.fail(f"timed out after {limit} s waiting for {what}")

    def status(self):
        with open(os.path.join(self.tmp, "status.json"), encoding="utf-8") as f:
            return json.load(f)

    def screenshot(self, proc):
        """The path of the frame on screen now (SIGUSR2 writes tmp/screen.png)."""
        path = os.path.join(self.tmp, "screen.png")
        if os.path.exists(path):
            os.unlink(path)
        proc.send_signal(signal.SIGUSR2)
        return self.wait_for("screen.png", lambda: os.path.exists(path) and path)
