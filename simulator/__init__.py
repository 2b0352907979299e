"""emqx-sim: a contract-first simulator of the EMQX Cloud Clients API."""

from __future__ import annotations

__version__ = "0.1.0"
