"""``python -m bcenter.cli …`` runs the ``bcenter`` command."""
import sys

from bcenter.cli import main

sys.exit(main())
