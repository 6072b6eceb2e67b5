"""Pulumi entry point: read the configuration, wire the container, declare the stack, export."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from container import Container
from webhook_platform.settings import load_settings

container = Container(settings=load_settings())
container.platform().deploy().export()
