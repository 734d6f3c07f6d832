"""Compiles the translation catalogs during the build; no .mo is committed.

Everything else about the package is declared in pyproject.toml.
"""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

# ceapp is not installed while it is being built: take the compile step from
# the source beside this file, so the build and `python -m ceapp.i18n compile`
# compile the same way.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ceapp.resource_files import TRANSLATIONS_PACKAGE, compile_catalogs


class BuildPyWithCatalogs(build_py):
    def run(self):
        super().run()
        source = Path(self.get_package_dir(TRANSLATIONS_PACKAGE))
        if self.editable_mode:
            # An editable install reads the catalogs from the checkout itself.
            compile_catalogs(source)
        else:
            compile_catalogs(source, Path(self.build_lib, *TRANSLATIONS_PACKAGE.split(".")))


setup(cmdclass={"build_py": BuildPyWithCatalogs})
