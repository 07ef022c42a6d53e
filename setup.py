"""The package list, which pyproject.toml's ``find`` table cannot express.

Dash's assets folder is top-level (``assets/``, next to ``app.py``), and an installed wheel must
still carry it: ``[tool.setuptools.package-dir]`` maps it to the package ``perfdash.assets``,
but ``find`` only discovers folders under ``perfdash/``, so that one package is added here.
Everything else about the build is declared in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["perfdash", "perfdash.*"]), "perfdash.assets"])
