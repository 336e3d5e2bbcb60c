"""Headless subcommands for scripts: one module per command group."""
