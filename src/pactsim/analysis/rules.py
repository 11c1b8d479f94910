"""The names of :func:`pactsim.analysis.check.check`'s rules (light to import: the
CLI's help lists them without loading the checks)."""

from __future__ import annotations

__all__ = ["RULES"]

RULES = ("never-true", "always-true", "unreachable-row", "constant-question", "unused-driver",
         "unused-source", "never-in-time", "exact-skipped", "never-outcome", "unused-attribute",
         "constant-comparison", "never-value", "open-past", "look-ahead", "impossible-news",
         "extreme-factor")
