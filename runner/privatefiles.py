"""Owner-only files: everything kyodo writes under its home may hold personal data or secrets.

Two layers: every kyodo process sets the umask 077 at start (so any file a robot, a library or
the demo creates is born 0600, folders 0700), and the places that matter most (run folders,
published outputs, the data folder, the database) are also chmod-ed explicitly, because a
library may pass its own mode or a file may predate this version.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077


def private_umask() -> int:
    """Make files created from now on owner-only (0600/0700); returns the previous umask."""
    return os.umask(PRIVATE_UMASK)


def secure_tree(root: Path, home: Path | None = None) -> None:
    """0700 for ``root`` and the folders below it, 0600 for its files (and folders between ``home`` and ``root``)."""
    above = [p for p in root.parents if home is not None and (p == home or home in p.parents)]
    for p in [*above, root, *root.rglob("*")]:
        try:
            if not p.is_symlink():
                os.chmod(p, 0o700 if p.is_dir() else 0o600)
        except OSError:
            pass


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) as 0700 folders; an existing folder is tightened to 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path
