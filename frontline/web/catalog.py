"""Message extraction for the UI catalogs (used by the completeness test and to refresh the .po files)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

WEB_DIR = Path(__file__).parent
METHODS = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
KEYWORDS = {"_": None, "N_": None, "gettext": None}


def extract_msgids(root: Path = WEB_DIR) -> dict[str, list[str]]:
    """Every translatable string in the web package, with where it occurs."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        root, METHODS, keywords=KEYWORDS, options_map={"**/templates/**.html": {"extensions": ""}},
    ):
        if isinstance(message, tuple):
            message = message[0]
        if message:
            found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found
