"""``python -m plan_rules`` runs the ``plan-rules`` command."""

from .cli import main

raise SystemExit(main())
