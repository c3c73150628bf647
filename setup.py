"""Package layout only (everything else is in pyproject.toml).

The repository keeps its top-level folders ``core/ robots/ runner/ faq_bot/ scenarios/``; they are
installed as ``kyodo.core``, ``kyodo.robots``, ... so no generic top-level name (``runner``,
``robots``) lands in a user's site-packages. ``kyodo`` itself is a namespace package. pyproject.toml
cannot compute the package list under a renamed root, hence this file.
"""

from setuptools import find_namespace_packages, setup

FOLDERS = ("core", "robots", "runner", "faq_bot", "scenarios")

setup(
    package_dir={f"kyodo.{folder}": folder for folder in FOLDERS},
    packages=[f"kyodo.{name}" for name in find_namespace_packages(include=[f"{folder}*" for folder in FOLDERS])
              if "__pycache__" not in name],
)
