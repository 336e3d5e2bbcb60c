"""The dashboard's main views (tabs), one per module."""
