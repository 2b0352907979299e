"""`python -m simulator` runs the command line."""

from __future__ import annotations

from simulator.cli import main

raise SystemExit(main())
