"""Keep XML output well-formed when a user's text holds characters XML 1.0 forbids.

Text pasted from word processors can carry control characters (a vertical tab for a soft line
break, a form feed for a page break). ElementTree writes them as they are, and every XML
parser then rejects the whole BPMN or XES file. The markup itself never contains them, so the
serialised document can be cleaned in one pass.
"""

from __future__ import annotations

import re

__all__ = ["xml_safe"]

# Characters outside the XML 1.0 "Char" production (tab, newline and carriage return are fine).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with each character XML 1.0 forbids replaced by U+FFFD (the replacement mark)."""
    return _ILLEGAL.sub("\ufffd", text)
