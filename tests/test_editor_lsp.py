"""An editor's view of the published schema: the real yaml-language-server, over stdio LSP.

VS Code, Neovim, Helix, Zed and JetBrains (via LSP) all use this server for YAML. Documents
are opened with URIs inside examples/, so the `# yaml-language-server: $schema=../schemas/...`
modeline resolves to the checked-in schema exactly as it does in a user's editor; documents
that are not on disk are sent as text (LSP never needs the file).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.node_tools import ROOT, YAML_LANGUAGE_SERVER, require

MODELINE = "# yaml-language-server: $schema=../schemas/mailcheck.schema.json"
SETTINGS = {
    # no schema store: the test uses no network, and only the modeline may pick the schema
    "yaml": {
        "validate": True,
        "completion": True,
        "hover": True,
        "schemaStore": {"enable": False},
    }
}
TIMEOUT = 30.0

VALID = f"""{MODELINE}
version: 1
profiles:
  outgoing:
    protocol: smtp
    host: smtp.example.com
    security: starttls
    auth: {{username: app@example.com, password: {{env: SMTP_PASSWORD}}}}
    from: {{address: app@example.com}}
"""

INVALID = f"""{MODELINE}
version: 1
profiles:
  outgoing:
    protocol: smtp
    host: smtp.example.com
    port: "587"
    security: startls
    use_tls: true
"""


class LanguageServer:
    """A minimal LSP client: framing, requests, and the server's own requests answered."""

    def __init__(self, command: list[str]) -> None:
        # stderr goes to a file, not a pipe, so a chatty server cannot block on it; closed in close()
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors)
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self._next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if line == b"" or length is None:
                self.messages.put(None)
                return
            self.messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self._next_id += 1
        wanted = self._next_id
        self._send({"id": wanted, "method": method, "params": params})
        reply = self._wait(lambda m: m.get("id") == wanted and "method" not in m)
        assert "error" not in reply, reply["error"]
        return reply["result"]

    def open(self, uri: str, text: str) -> list[dict[str, Any]]:
        """Open a document and return the problems the server publishes for it."""
        self.diagnostics.pop(uri, None)
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "yaml",
                    "version": 1,
                    "text": text,
                }
            },
        )
        self._wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
        return self.diagnostics[uri]

    def _wait(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            if message is None:
                raise AssertionError(f"the language server exited: {self._stderr()}")
            if "method" in message and "id" in message:  # the server asks the client something
                self._send({"id": message["id"], "result": self._answer(message)})
                continue
            if message.get("method") == "textDocument/publishDiagnostics":
                self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
            if wanted(message):
                return message
        raise AssertionError(f"no answer from the language server in {TIMEOUT} s")

    @staticmethod
    def _answer(message: dict[str, Any]) -> Any:
        if message["method"] == "workspace/configuration":
            return [SETTINGS.get(item.get("section", "")) for item in message["params"]["items"]]
        return None  # registerCapability, workDoneProgress/create: acknowledged

    def _stderr(self) -> str:
        self.process.kill()
        self.process.wait()
        self.errors.seek(0)
        return self.errors.read().decode("utf-8", "replace")[-2000:]

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.process.wait(timeout=5)
        except (AssertionError, OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        self.errors.close()


@pytest.fixture(scope="module")
def server() -> Iterator[LanguageServer]:
    binary = require(YAML_LANGUAGE_SERVER, "yaml-language-server", needs_node=True)
    client = LanguageServer(["node", str(binary), "--stdio"])
    client.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": ROOT.as_uri(),
            "capabilities": {
                "workspace": {"configuration": True},
                "textDocument": {
                    "completion": {"completionItem": {"documentationFormat": ["markdown", "plaintext"]}},
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                    "publishDiagnostics": {},
                },
            },
        },
    )
    client.notify("initialized", {})
    client.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})
    yield client
    client.close()


def uri_in_examples(name: str) -> str:
    return (ROOT / "examples" / name).as_uri()


def position_after(text: str, needle: str) -> dict[str, int]:
    """The LSP position just after the first `needle` (0-based line and UTF-16 character)."""
    for number, line in enumerate(text.splitlines()):
        if needle in line:
            return {"line": number, "character": line.index(needle) + len(needle)}
    raise AssertionError(f"{needle!r} not in the document")


def line_of(text: str, needle: str) -> int:
    return position_after(text, needle)["line"]


def example_files() -> list[Path]:
    return sorted(p for p in (ROOT / "examples").glob("*.mail.y*ml") if MODELINE in p.read_text(encoding="utf-8"))


def test_every_example_is_free_of_problems_in_the_editor(
    server: LanguageServer,
) -> None:
    examples = example_files()
    assert examples, "no example carries the yaml-language-server modeline"
    for path in examples:
        assert server.open(path.as_uri(), path.read_text(encoding="utf-8")) == [], path.name


def test_a_valid_profile_has_no_problems(server: LanguageServer) -> None:
    assert server.open(uri_in_examples("editor-valid.mail.yaml"), VALID) == []


def test_the_editor_marks_a_bad_enum_an_unknown_key_and_a_wrong_type(
    server: LanguageServer,
) -> None:
    problems = server.open(uri_in_examples("editor-invalid.mail.yaml"), INVALID)
    by_line = {p["range"]["start"]["line"]: p["message"] for p in problems}
    assert "tls" in by_line[line_of(INVALID, "security: startls")]  # lists the valid values
    assert "starttls" in by_line[line_of(INVALID, "security: startls")]
    assert "use_tls" in by_line[line_of(INVALID, "use_tls")]
    assert "not allowed" in by_line[line_of(INVALID, "use_tls")]
    assert "integer" in by_line[line_of(INVALID, 'port: "587"')]
    assert all(p["severity"] == 1 for p in problems)  # errors, not hints
    assert len(by_line) == 3


def test_the_editor_completes_security_values(server: LanguageServer) -> None:
    text = VALID.replace("security: starttls", "security: ")
    uri = uri_in_examples("editor-completion.mail.yaml")
    server.open(uri, text)
    result = server.request(
        "textDocument/completion",
        {"textDocument": {"uri": uri}, "position": position_after(text, "security: ")},
    )
    items = result["items"] if isinstance(result, dict) else result
    labels = {item["label"] for item in items}
    assert {"tls", "starttls", "none"} <= labels


def test_hovering_a_key_shows_the_schema_description(server: LanguageServer) -> None:
    uri = uri_in_examples("editor-hover.mail.yaml")
    server.open(uri, VALID)
    position = position_after(VALID, "    securi")
    hover = server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position})
    contents = hover["contents"]
    text = contents["value"] if isinstance(contents, dict) else json.dumps(contents)
    assert "implicit TLS" in text


def test_security_completions_explain_each_mode(server: LanguageServer) -> None:
    text = VALID.replace("security: starttls", "security: ")
    uri = uri_in_examples("editor-completion-docs.mail.yaml")
    server.open(uri, text)
    result = server.request(
        "textDocument/completion",
        {"textDocument": {"uri": uri}, "position": position_after(text, "security: ")},
    )
    items = {item["label"]: item for item in (result["items"] if isinstance(result, dict) else result)}
    documentation = {label: json.dumps(items[label].get("documentation", "")) for label in ("tls", "starttls", "none")}
    assert "RFC 8314" in documentation["tls"]
    assert "STARTTLS" in documentation["starttls"]
    assert "cleartext" in documentation["none"]
