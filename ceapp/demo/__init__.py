"""Realistic, repeatable demo data: two boroughs, two years of engagement.

from ceapp.demo import generate
generate(store, seed=1, events=5000)
"""

from ceapp.demo.generator import generate

__all__ = ["generate"]
