"""What a user does, written once for both front ends (no Textual, no argparse).

Each use case returns data and typed outcomes; the dashboard and the CLI present them. The
behaviour rules (read-only, prod confirmation, exactly-once create, what revoke means) live here.
"""
