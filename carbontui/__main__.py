"""Allow ``python -m carbontui``."""

from carbontui.cli import main

raise SystemExit(main())
