"""How Ruby's mail gem connects (Rails' Action Mailer, so GitLab, Mastodon and Discourse):
its `tls`/`ssl`, `enable_starttls` and `enable_starttls_auto` settings, in one place.

mikel/mail at d645d7b5b7d03218b0bc8971ef041c991a63f5f7 (2.9.x),
lib/mail/network/delivery_methods/smtp.rb: `smtp_tls?` (L149-151) is `tls || ssl` by
truth; `smtp_starttls` (L125-147) is :always for a truthy `enable_starttls` (:auto for the
symbol :auto), else from `enable_starttls_auto` when given (:auto when truthy, off when
not), else off when `enable_starttls` was given false, else :auto; `build_smtp_session`
(L157-160) raises ArgumentError (":enable_starttls and :tls are mutually exclusive") for TLS
with either STARTTLS flag truthy. ruby/net-smtp at a0075eb8 (0.5.1), lib/net/smtp.rb
L678-686: :auto sends STARTTLS only when the server offers it, :always fails without it.
"""

from __future__ import annotations

AUTO = "auto"  # the symbol :auto, as `enable_starttls` may be given


def security(tls: bool, enable_starttls: object = None, enable_starttls_auto: bool | None = None) -> str | None:
    """The profile's security mode for these settings (None: not given); None when the mail
    gem refuses them (MC601)."""
    if tls:
        return None if enable_starttls or enable_starttls_auto else "tls"
    if enable_starttls:
        return "opportunistic" if enable_starttls == AUTO else "starttls"
    if enable_starttls_auto is not None:
        return "opportunistic" if enable_starttls_auto else "none"
    return "none" if enable_starttls is not None else "opportunistic"
