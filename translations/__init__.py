"""Installed as the package ceapp.translations, so importlib.resources finds the catalogs."""
