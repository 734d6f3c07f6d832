"""Installed as the package ceapp.sheet_translations: the printed sheet's catalogs."""
