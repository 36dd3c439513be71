#!/usr/bin/python3
"""ticker preview: a PNG contact sheet sized as preview.h says, and exit 2 on unreadable input."""
import json
import os
import struct
import subprocess
import sys
import tempfile

import pngread

ticker = sys.argv[1:]  # the program, after a crossing emulator if there is one
GAP, LABEL, SCALE, COLUMNS = 16, 40, 4, 4


def sheet_size(n, w, h):
    cols, rows = min(n, COLUMNS), (n + COLUMNS - 1) // COLUMNS
    return GAP + cols * (w // SCALE + GAP), GAP + rows * (LABEL + h // SCALE + GAP)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", head
    return struct.unpack(">II", head[16:24])


with tempfile.TemporaryDirectory() as tmp:
    for feed, n, size in [("tests/data/check-feed/ok.json", 2, (800, 480)),
                          ("assets/feeds/default.json", 8, (1080, 1920))]:
        out = os.path.join(tmp, "sheet.png")
        run = subprocess.run(ticker + ["preview", feed, "--out", out, "--size", "%dx%d" % size],
                             capture_output=True, text=True, check=False)
        assert run.returncode == 0, (feed, run.returncode, run.stderr)
        got, want = png_size(out), sheet_size(n, *size)
        assert got == want, (feed, got, want)
        os.remove(out)
    # The config's screen: [display] mode turned by rotate, less the overscan (the picture the
    # sign draws), as check-feed lays it out; --size still names the screen.
    conf = os.path.join(tmp, "portrait.conf")
    with open(conf, "w") as f:
        f.write("[display]\nmode = 1280x720\nrotate = 90\noverscan = 20 10\n")
    for extra, picture in [([], (720 - 2 * 10, 1280 - 2 * 20)),
                           (["--size", "1920x1080"], (1080 - 2 * 10, 1920 - 2 * 20))]:
        run = subprocess.run(ticker + ["preview", "tests/data/check-feed/ok.json", "--out", out,
                                       "--config", conf] + extra,
                             capture_output=True, text=True, check=False)
        assert run.returncode == 0, (extra, run.returncode, run.stderr)
        got, want = png_size(out), sheet_size(2, *picture)
        assert got == want, (extra, got, want)
        os.remove(out)
    run = subprocess.run(ticker + ["check-feed", "tests/data/check-feed/ok.json", "--json",
                                   "--config", conf], capture_output=True, text=True, check=False)
    assert json.loads(run.stdout)["sizes"] == ["700x1240"], run.stdout
    # An alert's card is drawn as the sign draws a take-over, in the alert colours; the news
    # cards are not.
    run = subprocess.run(ticker + ["preview", "tests/data/check-feed/alert.json", "--out", out,
                                   "--size", "800x480"], capture_output=True, text=True, check=False)
    assert run.returncode == 0, (run.returncode, run.stderr)
    w, h, px = pngread.png_pixels(out)
    cell = lambda i: [px[y * w + x] for y in range(GAP + LABEL, GAP + LABEL + 480 // SCALE)
                      for x in range(GAP + i * (800 // SCALE + GAP), (i + 1) * (800 // SCALE + GAP))]
    assert pngread.alert_share(cell(0)) > 0.6, pngread.alert_share(cell(0))
    os.remove(out)
    run = subprocess.run(ticker + ["preview", "tests/data/check-feed/ok.json", "--out", out,
                                   "--size", "800x480"], capture_output=True, text=True, check=False)
    w, h, px = pngread.png_pixels(out)
    assert pngread.alert_share(cell(0)) < 0.01 and pngread.alert_share(cell(1)) < 0.01
    os.remove(out)
    run = subprocess.run(ticker + ["preview", "tests/data/broken.json", "--out", out],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 2 and not os.path.exists(out), (run.returncode, run.stderr)
print("preview: ok")
