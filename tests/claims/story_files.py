"""Story files for the report tests: the seed story cut to a few claims, written into a
temporary stories folder."""

from __future__ import annotations

import yaml

from migrationdata.claims import stories_dir

SEED = stories_dir() / "us-mexico-talks-2023-12" / "story.yaml"


def seed_data(ids=("darien-2023-half-million", "migrants-motives", "mexico-trade-stakes")) -> dict:
    """The seed story's ledger with only the claims ``ids``."""
    d = yaml.safe_load(SEED.read_text().replace("on: 2023-12-20", "'on': 2023-12-20"))
    d["claims"] = [c for c in d["claims"] if c["id"] in ids]
    return d


def put(root, slug, data):
    """Write ``data`` as ``root/slug/story.yaml``."""
    (root / slug).mkdir(parents=True, exist_ok=True)
    (root / slug / "story.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
