"""What every output file says about where it came from."""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field

from parallel import TOOL_NAME, __version__


def creation_time() -> _dt.datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set, so that builds can be byte-reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc)
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)


@dataclass
class Provenance:
    """Where an output came from, written into every file: tool and version, model name and sha256,
    options, languages and creation time."""

    model_name: str
    model_sha256: str
    options: dict = field(default_factory=dict)
    tool: str = TOOL_NAME
    tool_version: str = __version__
    created: _dt.datetime = field(default_factory=creation_time)
    source_language: str = "ar"
    target_language: str = "en"
