"""ceapp: community engagement records, offline first. No Qt in this package."""

__version__ = "0.1.0"
