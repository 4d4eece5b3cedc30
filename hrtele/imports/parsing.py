"""Reading HR-system CSV files: encoding and separator detection, columns, French cell formats.

No database here: this module turns bytes into typed values per row, or French reasons why a
cell is refused. hrtele.imports.services compares them with the database and applies them.

Accepted files: UTF-8 with or without BOM, or Windows-1252 (detected: UTF-8 is tried first,
a file that is not valid UTF-8 is read as Windows-1252); separator ``;`` or ``,`` (detected on
the header line); dates jj/mm/aaaa; decimals with a comma (``12,5``); booleans oui/non.
An empty cell means « not provided »: the field keeps its current value on an update and
takes its default on a creation.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hrtele import clock
from hrtele.web.forms import parse_french_date, parse_french_decimal
from hrtele.web.labels import LABELS

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 20_000
MAX_CELL_CHARS = 4000
_BOM = b"\xef\xbb\xbf"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CODE_RE = re.compile(r"^[A-Za-z0-9._-]{1,30}$")
# Same shapes as the employee form (hrtele/employees/forms.py), so imported data would also
# pass the screens: matricule starting with a letter or digit, person names made of letters
# with spaces, apostrophes, hyphens and dots, plain e-mail addresses.
_PERSONNEL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,29}$")
_PERSON_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '’.-]{1,2}[^\W\d_]+)*\.?$")
_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
FUTURE_TOLERANCE = timedelta(days=366)  # later dates are typing mistakes (2062 for 2026)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (French message); nothing is imported."""


class Reason(str):
    """A French refusal reason that also names the column key it is about (None: the row).

    It is a plain string everywhere a message is shown (preview page, CLI, audit); the API
    reads ``field`` to point at the refused JSON field.
    """

    field: str | None

    def __new__(cls, message: str, field: str | None = None) -> Reason:
        obj = super().__new__(cls, message)
        obj.field = field
        return obj


# --------------------------------------------------------------------------- cell parsers


def _clean(text: str) -> str:
    """NFC-normalised, trimmed text; control characters refused."""
    if _CONTROL.search(text):
        raise ValueError("caractères de contrôle non autorisés")
    return unicodedata.normalize("NFC", text).strip()


def text(max_len: int) -> Callable[[str], str]:
    """Free text of at most max_len characters."""

    def parse(value: str) -> str:
        value = _clean(value)
        if len(value) > max_len:
            raise ValueError(f"{max_len} caractères au plus ({len(value)} reçus)")
        return value

    return parse


def post_code(value: str) -> str:
    """Post code: letters, digits, point, dash, underscore (30 at most)."""
    value = _clean(value)
    if not _CODE_RE.match(value):
        raise ValueError("lettres, chiffres, point, tiret et souligné seulement (30 au plus)")
    return value


def personnel_number(value: str) -> str:
    """Personnel number (matricule): letters, digits, . _ / - (30 at most)."""
    value = _clean(value)
    if not _PERSONNEL_RE.match(value):
        raise ValueError("lettres, chiffres, point, tiret, barre oblique et souligné seulement "
                         "(30 au plus, commençant par une lettre ou un chiffre)")
    return value


def person_name(value: str) -> str:
    """First or last name: letters, spaces, apostrophes, hyphens, dots (100 at most)."""
    value = _clean(value)
    if len(value) > 100:
        raise ValueError(f"100 caractères au plus ({len(value)} reçus)")
    if not _PERSON_NAME_RE.match(value):
        raise ValueError("un nom ne peut contenir que des lettres, des espaces, des apostrophes, "
                         "des traits d'union et des points (pas de chiffres ni de balises)")
    return value


def email(value: str) -> str:
    """E-mail address (simple shape check)."""
    value = _clean(value)
    if len(value) > 254 or not _EMAIL_RE.match(value):
        raise ValueError("adresse électronique invalide")
    return value


def french_date(value: str) -> date:
    """jj/mm/aaaa (an impossible date such as 31/02/2026, or one years ahead, is refused)."""
    value = _clean(value)
    if len(value) > 20:
        raise ValueError("date invalide : utilisez le format jj/mm/aaaa")
    parsed = parse_french_date(value)
    if parsed > clock.today() + FUTURE_TOLERANCE:
        raise ValueError("date trop lointaine : vérifiez l'année")
    return parsed


french_date.json_type = "date"  # type: ignore[attr-defined]


def decimal(places: int, minimum: Decimal, maximum: Decimal, *, half_steps: bool = False
            ) -> Callable[[str], Decimal]:
    """Decimal with a comma, within [minimum, maximum], at most `places` decimals."""

    def parse(value: str) -> Decimal:
        value = _clean(value)
        if len(value) > 30:
            raise ValueError("nombre invalide")
        number = parse_french_decimal(value, places=places)
        if number < minimum or number > maximum:
            raise ValueError(f"doit être compris entre {_fr(minimum)} et {_fr(maximum)}")
        if half_steps and (number * 2) % 1:
            raise ValueError("comptez en journées ou en demi-journées (0,5)")
        return number

    parse.json_type = "number"  # type: ignore[attr-defined]
    parse.bounds = (minimum, maximum)  # type: ignore[attr-defined]
    return parse


def integer(minimum: int, maximum: int, *, percent: bool = False) -> Callable[[str], int]:
    """Whole number within [minimum, maximum] (a trailing « % » is allowed for rates)."""

    def parse(value: str) -> int:
        value = _clean(value)
        if percent:
            value = value.removesuffix("%").strip()
        if not (value.isascii() and value.isdigit()) or len(value) > 9:
            raise ValueError("nombre entier attendu")
        number = int(value)
        if not minimum <= number <= maximum:
            raise ValueError(f"doit être compris entre {minimum} et {maximum}")
        return number

    parse.json_type = "integer"  # type: ignore[attr-defined]
    parse.bounds = (minimum, maximum)  # type: ignore[attr-defined]
    return parse


_TRUE = {"oui", "o", "1", "vrai", "x"}
_FALSE = {"non", "n", "0", "faux"}


def boolean(value: str) -> bool:
    """oui / non (also o/n, 1/0, vrai/faux)."""
    key = _clean(value).lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError("répondez « oui » ou « non »")


boolean.json_type = "boolean"  # type: ignore[attr-defined]


_CIVILITIES = {"m": "M.", "m.": "M.", "monsieur": "M.", "mme": "Mme", "mme.": "Mme",
               "madame": "Mme"}


def civility(value: str) -> str:
    """M. or Mme (Monsieur / Madame accepted)."""
    key = _clean(value).lower()
    if key not in _CIVILITIES:
        raise ValueError("civilité inconnue : utilisez « M. » ou « Mme »")
    return _CIVILITIES[key]


def commute_mode(value: str) -> str:
    """Commute mode code, from its code or its French label."""
    key = normalise_header(value)
    for code, label in LABELS["commute_mode"].items():
        if key in (code, normalise_header(label)):
            return code
    known = ", ".join(LABELS["commute_mode"].values())
    raise ValueError(f"mode de transport inconnu (valeurs possibles : {known})")


def _fr(value: Decimal) -> str:
    text_value = format(value.normalize(), "f")
    return text_value.replace(".", ",")


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """One column of an import file."""

    key: str  # attribute (or resolution key) in the services
    header: str  # canonical header of the template
    label: str  # French description shown on the import page
    parse: Callable[[str], Any]
    required: bool = False  # header and value needed (the identifying columns)
    aliases: tuple[str, ...] = ()
    help: str = ""

    @property
    def json_type(self) -> str:
        """JSON type of the value through the API: string, date, number, integer or boolean."""
        return getattr(self.parse, "json_type", "string")


EMPLOYEE_COLUMNS: tuple[Column, ...] = (
    Column("personnel_number", "matricule", "Matricule", personnel_number, True,
           ("numero_matricule", "personnel_number"), "Identifiant unique ; clé de l'import."),
    Column("civility", "civilite", "Civilité", civility, help="M. ou Mme."),
    Column("first_name", "prenom", "Prénom", person_name, True, ("first_name",),
           "Lettres, espaces, apostrophes, traits d'union et points."),
    Column("last_name", "nom", "Nom", person_name, True, ("nom_de_famille", "last_name"),
           "Lettres, espaces, apostrophes, traits d'union et points."),
    Column("email", "email", "Adresse électronique", email, aliases=("courriel", "mail")),
    Column("post_code", "code_poste", "Code du poste", post_code, aliases=("poste",),
           help="Le poste doit exister (importez d'abord les postes)."),
    Column("category_code", "categorie", "Catégorie (code)", text(20), aliases=("category",),
           help="Code de catégorie ; créée si elle n'existe pas."),
    Column("hire_date", "date_embauche", "Date d'embauche", french_date,
           aliases=("date_d_embauche", "embauche"), help="jj/mm/aaaa."),
    Column("contract_date", "date_contrat", "Date du contrat de travail", french_date,
           aliases=("date_du_contrat",), help="jj/mm/aaaa."),
    Column("working_time_rate", "taux_activite", "Taux d'activité (%)",
           integer(1, 100, percent=True), aliases=("taux_d_activite", "quotite"),
           help="Entier de 1 à 100 ; 100 = temps plein."),
    Column("home_address", "adresse_domicile", "Adresse du domicile", text(1000),
           aliases=("adresse",)),
    Column("commute_km", "distance_domicile_travail_km", "Distance domicile-travail (km, aller)",
           decimal(1, Decimal(0), Decimal(2000)), aliases=("distance_km", "distance"),
           help="Nombre décimal avec une virgule, par exemple 12,5."),
    Column("commute_mode", "mode_transport", "Mode de transport", commute_mode,
           aliases=("mode_de_transport", "transport"),
           help="Voiture, covoiturage, deux-roues motorisé, transports en commun, train, vélo, "
                "marche."),
    Column("manager_number", "matricule_responsable", "Matricule du responsable",
           personnel_number, aliases=("responsable", "manager"),
           help="Salarié existant ou présent dans le même fichier."),
    Column("is_active", "actif", "Salarié actif", boolean, aliases=("en_activite",),
           help="oui ou non."),
)

POST_COLUMNS: tuple[Column, ...] = (
    Column("code", "code", "Code du poste", post_code, True, ("code_poste",),
           "Identifiant unique ; clé de l'import."),
    Column("title", "intitule", "Intitulé", text(200), True, ("libelle", "titre")),
    Column("department", "service", "Service / direction", text(200),
           aliases=("direction", "departement")),
    Column("establishment_name", "etablissement", "Établissement (nom)", text(200),
           aliases=("site",), help="Établissement existant, désigné par son nom."),
    Column("category_code", "categorie", "Catégorie (code)", text(20), aliases=("category",),
           help="Code de catégorie ; créée si elle n'existe pas."),
    Column("is_eligible", "teletravaillable", "Poste télétravaillable", boolean,
           aliases=("eligible", "eligible_teletravail"), help="oui ou non."),
    Column("eligibility_reason", "motif", "Motif (éligibilité ou exclusion)", text(2000),
           aliases=("motif_exclusion",)),
    Column("teleworkable_tasks", "activites_teletravaillables", "Activités en télétravail",
           text(4000), aliases=("activites",)),
    Column("max_days_per_week", "plafond_jours_semaine", "Plafond de jours par semaine",
           decimal(1, Decimal("0.5"), Decimal(5), half_steps=True),
           aliases=("plafond", "jours_max"), help="De 0,5 à 5, par demi-journée."),
    Column("headcount", "effectif", "Effectif", integer(0, 100000)),
    Column("is_vacant", "vacant", "Poste vacant", boolean, help="oui ou non."),
)

COLUMNS = {"employees": EMPLOYEE_COLUMNS, "posts": POST_COLUMNS}
KIND_LABELS = {"employees": "salariés", "posts": "postes"}


def normalise_header(value: str) -> str:
    """'Date d'embauche ' -> 'date_d_embauche' (accents, case, spaces and punctuation removed)."""
    decomposed = unicodedata.normalize("NFKD", value.strip().lstrip("\ufeff"))
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")


def template_csv(kind: str) -> bytes:
    """The header line of an import file (UTF-8 with BOM, ';'), to fill in."""
    headers = [c.header for c in COLUMNS[kind]]
    return ("\ufeff" + ";".join(headers) + "\r\n").encode("utf-8")


# --------------------------------------------------------------------------- file


@dataclass
class RawRow:
    """One data line of the file: its number, its typed values, and its refusal reasons."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class ParsedFile:
    """The file read: detected encoding and separator, columns found, rows."""

    kind: str
    encoding: str
    delimiter: str
    columns: list[Column]
    ignored_headers: list[str]
    rows: list[RawRow]


def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, French name of the detected encoding); ImportFileError otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            "Fichier en UTF-16 non pris en charge : enregistrez-le en « CSV UTF-8 » ou en "
            "« CSV (séparateur : point-virgule) »."
        )
    if b"\x00" in data:
        raise ImportFileError("Ce fichier n'est pas un fichier texte CSV (octets nuls).")
    if data.startswith(_BOM):
        try:
            return data[len(_BOM):].decode("utf-8"), "UTF-8 avec BOM"
        except UnicodeDecodeError:
            raise ImportFileError(
                "Le fichier annonce l'encodage UTF-8 mais contient des octets invalides."
            ) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise ImportFileError(
            "Encodage non reconnu : enregistrez le fichier en UTF-8 ou en Windows-1252."
        ) from None


def detect_delimiter(header_line: str) -> str:
    """';' or ',' — whichever separates more header cells (';' when tied)."""
    semicolons, commas = header_line.count(";"), header_line.count(",")
    if semicolons == 0 and commas == 0:
        raise ImportFileError(
            "Séparateur non reconnu : la ligne d'en-tête doit séparer les colonnes par « ; » "
            "ou « , »."
        )
    return ";" if semicolons >= commas else ","


def read_file(kind: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES,
              max_rows: int = DEFAULT_MAX_ROWS) -> ParsedFile:
    """Decode, split and type a whole file; file-level problems raise ImportFileError."""
    if kind not in COLUMNS:
        raise ImportFileError("Type d'import inconnu : choisissez « salariés » ou « postes ».")
    if not data or not data.strip(_BOM + b" \r\n\t"):
        raise ImportFileError("Le fichier est vide.")
    if len(data) > max_bytes:
        raise ImportFileError(
            f"Fichier trop volumineux : {len(data) // 1024} Kio pour {max_bytes // 1024} Kio "
            "au plus."
        )
    content, encoding = decode(data)
    first_line = content.lstrip("\ufeff").splitlines()[0] if content.strip() else ""
    delimiter = detect_delimiter(first_line)
    try:
        records = list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter,
                                  strict=True))
    except csv.Error as exc:
        raise ImportFileError(f"Fichier CSV mal formé : {exc}.") from None
    header_cells = records[0] if records else []
    columns, ignored, positions = _match_headers(kind, header_cells)
    data_records = [(i + 2, r) for i, r in enumerate(records[1:]) if any(c.strip() for c in r)]
    if len(data_records) > max_rows:
        raise ImportFileError(
            f"Trop de lignes : {len(data_records)} pour {max_rows} au plus. Découpez le fichier."
        )
    rows = [_parse_row(line, cells, columns, positions, len(header_cells))
            for line, cells in data_records]
    return ParsedFile(kind, encoding, delimiter, columns, ignored, rows)


def _match_headers(kind: str, cells: list[str]) -> tuple[list[Column], list[str], list[int]]:
    by_name: dict[str, Column] = {}
    for column in COLUMNS[kind]:
        for name in (column.header, normalise_header(column.label), *column.aliases):
            by_name[name] = column
    columns: list[Column] = []
    positions: list[int] = []
    ignored: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        name = normalise_header(cell)
        column = by_name.get(name)
        if column is None:
            if cell.strip():
                ignored.append(cell.strip()[:60])
            continue
        if column.key in seen:
            raise ImportFileError(f"La colonne « {column.header} » figure deux fois dans l'en-tête.")
        seen.add(column.key)
        columns.append(column)
        positions.append(index)
    missing = [c.header for c in COLUMNS[kind] if c.required and c.key not in seen]
    if missing:
        raise ImportFileError(
            "Colonne(s) obligatoire(s) absente(s) de la ligne d'en-tête : "
            + ", ".join(f"« {m} »" for m in missing)
            + ". Partez du modèle à télécharger."
        )
    return columns, ignored, positions


def _parse_row(line: int, cells: list[str], columns: list[Column], positions: list[int],
               width: int) -> RawRow:
    row = RawRow(line=line)
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        row.errors.append(Reason(f"{len(cells)} cellules pour {width} colonnes d'en-tête "
                                 "(séparateur dans une valeur non protégée par des guillemets ?)"))
        return row
    for column, index in zip(columns, positions, strict=True):
        _read_cell(row, column, cells[index] if index < len(cells) else "")
    return row


def _read_cell(row: RawRow, column: Column, raw: str) -> None:
    """Type one value into row.values, or add the French reason it is refused."""
    if len(raw) > MAX_CELL_CHARS:
        row.errors.append(Reason(f"{column.label} : valeur trop longue", column.key))
        return
    row.raw[column.key] = raw.strip()
    if not raw.strip():
        if column.required:
            row.errors.append(Reason(f"{column.label} : valeur obligatoire manquante", column.key))
        return
    try:
        row.values[column.key] = column.parse(raw)
    except ValueError as exc:
        shown = raw.strip()
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        row.errors.append(
            Reason(f"{column.label} « {shown} » : {_lower_first(str(exc))}", column.key))


_JSON_TYPE_NAMES = {
    "string": "texte attendu",
    "date": "date attendue (texte aaaa-mm-jj ou jj/mm/aaaa)",
    "number": "nombre attendu",
    "integer": "nombre entier attendu",
    "boolean": "booléen attendu (true ou false)",
}


def _json_text(column: Column, value: Any) -> str | None:
    """The cell text a JSON value stands for, or None when its JSON type is wrong."""
    kind = column.json_type
    if kind in ("string", "date"):
        return value if isinstance(value, str) else None
    if isinstance(value, bool):
        return ("oui" if value else "non") if kind == "boolean" else None
    if kind == "integer" and isinstance(value, int):
        return str(value)
    if kind == "number" and isinstance(value, int | float | Decimal):
        return _number_text(value)
    return None


def _number_text(value: int | float | Decimal) -> str:
    """12.5 -> '12.5', 2500.0 -> '2500' (as the number would be typed in a cell)."""
    number = Decimal(str(value))
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def read_record(kind: str, values: Mapping[str, Any], line: int) -> RawRow:
    """Type one record given as JSON values (the API), with the same rules and messages as a file.

    A missing key, null or a blank string means « not provided », as an empty cell does.
    Booleans, numbers and ISO dates are checked by the very parsers the cells go through.
    """
    if kind not in COLUMNS:
        raise ImportFileError("Type d'import inconnu : choisissez « salariés » ou « postes ».")
    row = RawRow(line=line)
    for column in COLUMNS[kind]:
        value = values.get(column.key)
        if value is None:
            _read_cell(row, column, "")
            continue
        text_value = _json_text(column, value)
        if text_value is None:
            row.errors.append(Reason(f"{column.label} : {_JSON_TYPE_NAMES[column.json_type]}",
                                     column.key))
            continue
        _read_cell(row, column, text_value)
    return row


def _lower_first(message: str) -> str:
    message = message.rstrip(".")
    return message[:1].lower() + message[1:] if message else message
