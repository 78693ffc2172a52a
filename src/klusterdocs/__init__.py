"""klusterdocs: documents for cluster initiatives from YAML kept in git."""

from __future__ import annotations

__version__ = "0.1.0"
