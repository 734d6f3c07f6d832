"""Installed as the package ceapp.resources, so importlib.resources finds the fonts."""
