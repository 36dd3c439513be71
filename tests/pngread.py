"""Pixels of the PNGs the sign writes (8-bit RGB or RGBA, not interlaced), for tests that look
at colours without an imaging library."""
import struct
import zlib

ALERT_BG = (0xB3, 0x12, 0x1F)  # [theme] alert_background's default
ALERT_CARD = tuple(int(c * 0.82) for c in ALERT_BG)  # the alert card, a shade darker


def png_pixels(path):
    """(width, height, [(r, g, b)]) of an 8-bit RGB or RGBA PNG, non-interlaced."""
    data = open(path, "rb").read()
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, "unexpected PNG format"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, prev, out = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += [tuple(line[x * bpp:x * bpp + 3]) for x in range(w)]
        prev = line
    return w, h, out


def alert_share(pixels):
    """The share of pixels in the default alert colours: its background and its card."""
    near = lambda p, q: all(abs(a - b) <= 3 for a, b in zip(p, q))
    return sum(1 for p in pixels if near(p, ALERT_BG) or near(p, ALERT_CARD)) / max(1, len(pixels))
