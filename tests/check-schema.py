#!/usr/bin/python3
"""Validates feeds against docs/ticker-feed.schema.json (JSON Schema 2020-12), and checks that
the schema rejects what it must: usage check-schema.py SCHEMA FEED..."""
import copy
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
for path in sys.argv[2:]:
    feed = json.load(open(path))
    validator.validate(feed)
    # The schema must not accept anything: four figures, a string priority, a bad version.
    for breakage in ("figures", "priority", "version"):
        bad = copy.deepcopy(feed)
        if breakage == "figures":
            bad["items"][0].setdefault("_ticker", {})["figures"] = [{"value": "1"}] * 4
        elif breakage == "priority":
            bad["items"][0].setdefault("_ticker", {})["priority"] = "high"
        else:
            bad["version"] = "https://jsonfeed.org/version/9"
        if validator.is_valid(bad):
            sys.exit(f"{path}: schema accepts a feed with a bad {breakage}")
    print(f"{path}: valid")
