"""nuportal: sensitivity and recasting toolkit for heavy neutral leptons (HNLs).

Natural units inside the physics code: energies and masses in GeV, lengths in cm, times in s.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nuportal")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

from nuportal.errors import NuportalInputError
from nuportal.model import HNL

__all__ = ["HNL", "NuportalInputError", "__version__"]
