"""Error types that the program raises at preview."""

import pulumi


class ConfigurationError(pulumi.RunError):
    """Invalid stack configuration; the message lists every problem and the command that fixes it.

    Subclassing `pulumi.RunError` makes the engine print the message without a Python traceback.
    """


class BundleMissingError(pulumi.RunError):
    """The handler bundle has not been built, so there is nothing to deploy."""
