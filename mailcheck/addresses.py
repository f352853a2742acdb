"""E-mail address syntax, checked by email-validator (RFC 5321/5322), never a regex."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def address_problem(address: str) -> str | None:
    """Why `address` is not a usable mailbox address, or None when it is one."""
    from email_validator import EmailNotValidError, validate_email  # imported on first use: ~40 ms

    try:
        # Syntax only: deliverability is the probe's business. Internal setups send from
        # intranet names (`app@intranet`) and test setups from RFC 6761's `.test`.
        validate_email(
            address, check_deliverability=False, allow_smtputf8=True, globally_deliverable=False, test_environment=True
        )
    except EmailNotValidError as err:
        return str(err)
    return None


def is_address(value: str | None) -> bool:
    return bool(value) and "@" in value and address_problem(value) is None  # type: ignore[arg-type]
