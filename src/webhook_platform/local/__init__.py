"""Local runner: the deployed webhook path (API checks, throttle, function, table) on 127.0.0.1."""
