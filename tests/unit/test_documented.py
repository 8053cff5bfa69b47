"""What an admin configures and scrapes is documented in README.md."""

from __future__ import annotations

import re
from pathlib import Path

from bot.observability import Metrics
from bot.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_every_setting_is_in_the_configuration_table() -> None:
    table = README[README.index("## Configuration") : README.index("## Deployment")]
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in table]
    assert not missing, missing


def test_every_metric_is_named_in_the_readme() -> None:
    _, exposition = Metrics().exposition()
    names = {n for n in re.findall(r"^# HELP (\S+)", exposition.decode(), re.M) if not n.endswith("_created")}
    missing = sorted(name for name in names if f"`{name}" not in README)
    assert not missing, missing
