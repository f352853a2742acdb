'''`version` is missing or is not 1.

## What it does
Reports a profile file without `version: 1`, or with another version.

## Why is this bad?
The version says which format the file is written in. Without it, a later format change
could silently change what an old file means; with an unknown one, this mailcheck would
check rules the author did not write for.

## Example
```yaml
profiles:
  outgoing: {protocol: smtp, host: smtp.example.com, security: starttls}
```

## Use instead
```yaml
version: 1
profiles:
  outgoing: {protocol: smtp, host: smtp.example.com, security: starttls}
```
'''

from mailcheck.findings import Rule, Severity

RULE = Rule("MC103", "unsupported-version", Severity.ERROR, __doc__)
HINT = "write `version: 1` at the top of the file"
