"""Sub-commands kept out of cli.py; each module holds one click command."""
