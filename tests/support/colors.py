"""Recognising colour in a terminal's output."""

from __future__ import annotations

import re

# An SGR escape setting a foreground or background colour (30-49, 90-107).
COLOR_CODE = re.compile(r"\x1b\[(?:\d+;)*(?:3\d|4\d|9\d|10\d)(?:;\d+)*m")
