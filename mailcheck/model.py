"""The profile format, version 1: the single source of truth, defaults included.

`schemas/mailcheck.schema.json` is generated from these models (`mailcheck schema
--generate`, see schema.py); nothing else imports them, so pydantic stays off the paths of
`check`, `probe` and `diff`. The linter validates profiles against the generated schema
(validator.py), and the linter, the probe and the review read each value, or the default
the schema publishes for it, through profile.ProfileView. Scalars are strict (no "587" for
a port, no "yes" for a boolean) so that the tool and a JSON Schema validator agree on what
is structurally valid. The TLS versions come from the table in protocols.py.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StrictBool, StrictInt, StrictStr, WithJsonSchema

from mailcheck.format import ENV_NAME_PATTERN, EXTENSION_PREFIX, PROFILE_NAME_PATTERN
from mailcheck.protocols import SECURITY_DESCRIPTIONS, TLS_VERSION_NAMES, TLS_VERSIONS, Protocol, Security


def _documented_enum(title: str, values: dict[str, str]) -> WithJsonSchema:
    """An enum whose every value carries its own explanation.

    Editors (yaml-language-server, VS Code) show `enumDescriptions` in completion and hover
    only when they sit on the enum's own schema, so the schema is stated here in full.
    """
    docs = list(values.values())
    return WithJsonSchema(
        {
            "title": title,
            "type": "string",
            "enum": list(values),
            "enumDescriptions": docs,
            "markdownEnumDescriptions": docs,
        }
    )


SecurityMode = Annotated[Security, _documented_enum("Security", {s.value: SECURITY_DESCRIPTIONS[s] for s in Security})]
TlsVersion = Annotated[
    Literal[TLS_VERSION_NAMES],  # type: ignore[valid-type]  # the table's names, as pydantic takes a choice
    _documented_enum("TlsVersion", {v.name: v.description for v in TLS_VERSIONS}),
]
Mechanism = Annotated[
    Literal["auto", "plain", "login", "cram-md5", "xoauth2"],
    _documented_enum(
        "Mechanism",
        {
            "auto": "The strongest mechanism the server offers for a password.",
            "plain": "SASL PLAIN (RFC 4616): the password is sent base64-encoded, so only inside TLS.",
            "login": "The LOGIN mechanism: like PLAIN, in two steps; some older servers offer only this.",
            "cram-md5": "CRAM-MD5: challenge-response, obsolete (RFC 6331 era); use only where required.",
            "xoauth2": "OAuth2 bearer token (Google, Microsoft): takes `token:` instead of `password:`.",
        },
    ),
]
Seconds = Annotated[float, Strict(), Field(gt=0, le=300)]


class _Closed(BaseModel):
    """A mapping that rejects keys it does not define."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class EnvSecret(_Closed):
    """Read the secret from an environment variable at probe time."""

    env: Annotated[StrictStr, Field(pattern=ENV_NAME_PATTERN, description="Environment variable name.")]


class FileSecret(_Closed):
    """Read the secret from a file (one line of at most 4 KiB), relative to the profile file."""

    file: Annotated[StrictStr, Field(min_length=1, description="Path of a file holding the secret.")]


SecretRef = Annotated[
    EnvSecret | FileSecret | StrictStr,
    Field(
        description='A reference to a secret: {env: NAME}, {file: PATH} or "${NAME}". '
        "A literal value is accepted by the schema but reported by the linter (MC303)."
    ),
]


class TlsSettings(_Closed):
    """How the TLS connection is verified."""

    verify: StrictBool = Field(True, description="Verify the server certificate chain and name. Keep true.")
    min_version: TlsVersion = Field(
        "1.2",
        description='Lowest TLS version accepted, quoted: "1.2" or "1.3" (RFC 8996 retires 1.0 and 1.1).',
    )
    ca_file: StrictStr | None = Field(
        None, min_length=1, description="PEM file of CA certificates to trust, relative to the profile file."
    )
    server_name: StrictStr | None = Field(
        None, min_length=1, description="Name to verify in the certificate, when `host` is an IP address."
    )


class Auth(_Closed):
    """Credentials; absent means the server is used without authentication."""

    username: StrictStr | None = Field(None, description="Login name, usually the full e-mail address.")
    password: SecretRef | None = Field(None, description="Password reference (not with xoauth2).")
    token: SecretRef | None = Field(None, description="OAuth2 access token reference (with mechanism xoauth2).")
    mechanism: Mechanism = Field("auto", description="SASL mechanism; auto picks the strongest one the server offers.")


class Sender(_Closed):
    """The envelope and header sender of mail sent with this profile."""

    address: StrictStr = Field(description="Sender e-mail address.")
    name: StrictStr | None = Field(None, description="Display name.")


class SendTest(_Closed):
    """Where `mailcheck probe --send-test` sends its test message, and (`--round-trip`) where it is read."""

    send_to: StrictStr = Field(description="Recipient address of the test message.")
    receive_with: StrictStr | None = Field(
        None,
        pattern=PROFILE_NAME_PATTERN,
        description="An imap or pop3 profile of the same file that reads send_to's mailbox: with "
        "`mailcheck probe --round-trip` the test message is looked for there, then deleted.",
    )


class _ProfileBase(_Closed):
    description: StrictStr | None = Field(None, description="What this profile is for.")
    host: StrictStr = Field(description="Server DNS name or IP literal; no scheme, no port, no path.")
    port: StrictInt | None = Field(
        None, ge=1, le=65535, description="TCP port; when omitted, the protocol's port for `security`."
    )
    security: SecurityMode = Field(
        description="tls (implicit TLS), starttls (required upgrade), opportunistic (STARTTLS if offered) or none."
    )
    tls: TlsSettings | None = Field(None, description="TLS verification settings.")
    auth: Auth | None = Field(None, description="Credentials; absent means no authentication.")
    timeout: Seconds = Field(10.0, description="Seconds one probe of this profile may take, at most 300.")


class SmtpProfile(_ProfileBase):
    """Sending mail over SMTP."""

    protocol: Literal[Protocol.SMTP] = Field(description="smtp, imap or pop3.")
    sender: Sender | None = Field(None, alias="from", description="Sender address (smtp only).")
    test: SendTest | None = Field(None, description="Recipient for the probe's test message (smtp only).")


class ImapProfile(_ProfileBase):
    """Reading mail over IMAP."""

    protocol: Literal[Protocol.IMAP] = Field(description="smtp, imap or pop3.")


class Pop3Profile(_ProfileBase):
    """Reading mail over POP3."""

    protocol: Literal[Protocol.POP3] = Field(description="smtp, imap or pop3.")


Profile = Annotated[SmtpProfile | ImapProfile | Pop3Profile, Field(discriminator="protocol")]
ProfileName = Annotated[str, Field(pattern=PROFILE_NAME_PATTERN)]


class ProfileFile(_Closed):
    """A mailcheck profile file: named SMTP, IMAP and POP3 profiles."""

    model_config = ConfigDict(
        title="mailcheck profile file",
        json_schema_extra={"patternProperties": {f"^{EXTENSION_PREFIX}": {}}},
    )

    version: Literal[1] = Field(description="Format version; must be 1.")
    profiles: dict[ProfileName, Profile] = Field(
        description="Profiles by name.",
        # pydantic states the name pattern as patternProperties only; say also that
        # other names are not allowed, so JSON Schema validators reject them too.
        json_schema_extra={"propertyNames": {"pattern": PROFILE_NAME_PATTERN}, "additionalProperties": False},
    )
