"""Screens pushed over the main dashboard (details, forms, confirmations), one per module."""
