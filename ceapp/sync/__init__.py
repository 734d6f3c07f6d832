"""Offline sync between laptops: device identity and trust (bundles come later)."""
