#!/usr/bin/python3
"""Writes a deterministic RSS 2.0 feed of about SIZE bytes for the parse benchmark: 500 items
(the sign's item cap, so every parser reads every item) with HTML descriptions, entities,
content:encoded article bodies, and figures in titles. Usage: make-feed.py OUT [SIZE_MB]"""
import random
import sys

out = sys.argv[1]
size = int(float(sys.argv[2] if len(sys.argv) > 2 else 5) * 1024 * 1024)
rng = random.Random(20251129)
words = ("tariffs goods fentanyl talks council budget schools metro prices wages energy "
         "harbour bridge election turnout report commission findings ministry exports growth "
         "inflation rates housing transit hospital weather storm league final museum").split()
items = 500
body_len = max(200, size // items - 900)


def sentence(n):
    s = " ".join(rng.choice(words) for _ in range(n))
    return s[0].upper() + s[1:]


with open(out, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
            '<title>Benchmark News</title>\n<link>https://news.example.com/</link>\n'
            '<description>Generated for bench/parse</description>\n')
    for i in range(items):
        pct = rng.randint(1, 99)
        count = rng.randint(1000, 999999)
        title = f"{sentence(5)} up {pct}% as {count:,} {rng.choice(words)} wait"
        desc = (f"&lt;p&gt;{sentence(14)} &amp;amp; {sentence(6)}, says the "
                f"&lt;b&gt;ministry&lt;/b&gt; &amp;#8217;s report of {count:,} cases.&lt;/p&gt;")
        paras = []
        n = 0
        while n < body_len:
            p = f"<p>{sentence(rng.randint(12, 30))}. {sentence(8)} &amp; more.</p>"
            paras.append(p)
            n += len(p)
        f.write(f"<item>\n<title>{title}</title>\n"
                f"<link>https://news.example.com/{i}</link>\n"
                f'<guid isPermaLink="false">bench-{i}</guid>\n'
                f"<pubDate>Tue, {1 + i % 28:02d} Mar 2025 {i % 24:02d}:{i % 60:02d}:00 GMT</pubDate>\n"
                f"<dc:creator>Desk {i % 7}</dc:creator>\n"
                f"<description>{desc}</description>\n"
                f"<content:encoded><![CDATA[{''.join(paras)}]]></content:encoded>\n</item>\n")
    f.write("</channel>\n</rss>\n")
