"""Reading a text file staff want to share as a document, with plain reasons when it can't be."""
from __future__ import annotations

from pathlib import Path

from models.records import MAX_DOCUMENT


class FileProblem(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_text_file(typed_path: str, limit: int = MAX_DOCUMENT) -> tuple[str, str]:
    """(title, text) of a UTF-8 text file; raises FileProblem saying what is wrong."""
    raw = (typed_path or "").strip()
    if not raw:
        raise FileProblem("Type the path of a text file first.")
    path = Path(raw).expanduser()
    if not path.exists():
        raise FileProblem(f"There is no file at {raw}.")
    if path.is_dir():
        raise FileProblem(f"{raw} is a folder, not a file.")
    try:
        size = path.stat().st_size
        if size > limit:
            raise FileProblem(f"That file is too large to share ({size // 1024:,} KB; the limit is {limit // 1000} KB).")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except PermissionError:
        raise FileProblem("That file can't be read here (permission denied).") from None
    except OSError as exc:
        raise FileProblem(f"That file can't be read: {exc.strerror or exc}.") from None
    if len(data) > limit:
        raise FileProblem(f"That file is too large to share (the limit is {limit // 1000} KB).")
    if b"\x00" in data:
        raise FileProblem("That looks like a binary file (a PDF, image or program?). Only plain text files can be shared.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("That file is not UTF-8 text. Save it as plain UTF-8 text and try again.") from None
    if not text.strip():
        raise FileProblem("That file is empty.")
    return path.stem.replace("_", " ").strip() or path.name, text
