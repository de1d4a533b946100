"""The screens' 20-account demo town (``tests/ui/towns.py``), built once per module, a copy for each test (a module may
define its own ``town``/``app``)."""
from tests.ui.conftest import app, town  # noqa: F401
