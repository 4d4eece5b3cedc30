"""Read the forms of an HTML page (stdlib parser): fields, their current values and choices."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class FormField:
    """One named control of a form."""

    name: str
    kind: str  # text, hidden, select, textarea, checkbox, radio, file, submit, ...
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    """A <form>: method, action (None = the page itself), enctype and its controls."""

    method: str
    action: str | None
    enctype: str
    fields: list[FormField] = field(default_factory=list)

    def names(self) -> list[str]:
        """Distinct control names, in page order."""
        seen: list[str] = []
        for f in self.fields:
            if f.name not in seen:
                seen.append(f.name)
        return seen

    def baseline(self) -> dict[str, list[str]]:
        """What a browser would submit untouched (submit buttons left out)."""
        data: dict[str, list[str]] = {}
        for f in self.fields:
            if f.kind in ("submit", "button", "reset", "image", "file"):
                continue
            if f.kind in ("checkbox", "radio"):
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
                continue
            data.setdefault(f.name, []).append(f.value)
        return data


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: FormField | None = None
        self._option_value: str | None = None
        self._option_text = ""
        self._option_selected = False
        self._textarea: FormField | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(method=(a.get("method") or "get").lower(),
                              action=a.get("action") or None,
                              enctype=a.get("enctype") or "application/x-www-form-urlencoded")
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            self._form.fields.append(FormField(name, kind, a.get("value", ""),
                                               checked="checked" in a))
        elif tag == "button" and name:
            self._form.fields.append(FormField(name, "submit", a.get("value", "")))
        elif tag == "select" and name:
            self._select = FormField(name, "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_text = ""
            self._option_selected = "selected" in a
        elif tag == "textarea" and name:
            self._textarea = FormField(name, "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._option_value is None and self._select is not None:
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._select is not None:
            value = self._option_value if self._option_value is not None else self._option_text.strip()
            self._select.options.append(value)
            if self._option_selected or len(self._select.options) == 1:
                self._select.value = value
            self._option_value = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None


def parse_forms(html: str) -> list[Form]:
    """Every form of the page."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms
