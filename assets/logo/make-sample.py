#!/usr/bin/python3
"""Draws assets/logo/sample.png, the sample logo for [sign] logo: an amber badge with three
headline bars and the crawl's dot cut out of it (transparent, so the theme's background shows
through). Shapes as signed distances, antialiased by coverage; no imaging library needed."""
import math
import struct
import sys
import zlib

SIZE = 256
AMBER = (0xFF, 0xB0, 0x20)


def rounded_rect(x, y, cx, cy, hw, hh, r):
    qx, qy = abs(x - cx) - hw + r, abs(y - cy) - hh + r
    return math.hypot(max(qx, 0), max(qy, 0)) + min(max(qx, qy), 0) - r


def capsule(x, y, x0, x1, cy, r):
    px = min(max(x, x0), x1)
    return math.hypot(x - px, y - cy) - r


def coverage(d):
    return min(max(0.5 - d, 0.0), 1.0)


def pixel(x, y):
    badge = coverage(rounded_rect(x, y, 128, 128, 124, 124, 56))
    holes = max(
        coverage(capsule(x, y, 66, 190, 84, 15)),
        coverage(capsule(x, y, 66, 150, 128, 15)),
        coverage(capsule(x, y, 66, 118, 172, 15)),
        coverage(math.hypot(x - 176, y - 172) - 17),
    )
    return badge * (1 - holes)


def png(width, height, rows):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\0" + row for row in rows)
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


rows = []
for j in range(SIZE):
    row = bytearray()
    for i in range(SIZE):
        a = pixel(i + 0.5, j + 0.5)
        row += bytes(AMBER) + bytes([round(a * 255)])
    rows.append(bytes(row))
with open(sys.argv[1] if len(sys.argv) > 1 else "sample.png", "wb") as f:
    f.write(png(SIZE, SIZE, rows))
