"""mailcheck: lint and probe SMTP, IMAP and POP3 mail profiles kept as code."""

__version__ = "0.1.0"
VERSION_TEXT = f"mailcheck {__version__}"
