"""Uploaded scans must be plain PDFs: parsed with pypdf, nothing active or embedded inside.

Refused: files pypdf cannot read, encrypted files (their content cannot be inspected),
JavaScript (document or page actions, /JS, /JavaScript name tree), launch / import /
submit / remote go-to actions, embedded files and file attachments, rich media, XFA forms.
The walk visits every object reachable from the trailer and the pages, with a bound on the
number of objects so a hostile file cannot make it run for ever.
"""

from __future__ import annotations

import io
import logging

FORBIDDEN_KEYS = {
    "/JS": "du JavaScript",
    "/JavaScript": "du JavaScript",
    "/EmbeddedFile": "un fichier joint",
    "/EmbeddedFiles": "un fichier joint",
    "/RichMedia": "un contenu multimédia actif",
    "/XFA": "un formulaire XFA",
    "/AA": "des actions automatiques",
}
FORBIDDEN_ACTIONS = {
    "/JavaScript": "du JavaScript",
    "/Launch": "une action de lancement de programme",
    "/ImportData": "une action d'import de données",
    "/SubmitForm": "une action d'envoi de formulaire",
    "/GoToR": "un lien vers un autre fichier",
    "/GoToE": "un lien vers un fichier joint",
    "/RichMediaExecute": "un contenu multimédia actif",
    "/Rendition": "un contenu multimédia actif",
}
FORBIDDEN_SUBTYPES = {"/FileAttachment": "un fichier joint", "/RichMedia": "un contenu multimédia actif",
                      "/Screen": "un contenu multimédia actif", "/Sound": "un son", "/Movie": "une vidéo"}
MAX_OBJECTS = 200_000


class UnsafePdf(ValueError):
    """The file is not a plain PDF; the message (French) says why."""


def check_plain_pdf(data: bytes) -> None:
    """Raise UnsafePdf unless data is a readable PDF without active or embedded content."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # hostile files are expected here
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UnsafePdf("Ce PDF est chiffré ou protégé par mot de passe : enregistrez le scan "
                            "sans protection puis recommencez.")
        roots = [reader.trailer]
        roots += [page.get_object() for page in reader.pages]
    except UnsafePdf:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds of errors on bad files
        raise UnsafePdf("Ce fichier n'a pas pu être lu comme un PDF : il est endommagé ou n'est "
                        "pas un PDF.") from exc

    seen: set[tuple[int, int]] = set()
    stack: list = list(roots)
    visited = 0
    try:
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key in seen:
                    continue
                seen.add(key)
                obj = obj.get_object()
            visited += 1
            if visited > MAX_OBJECTS:
                raise UnsafePdf("Ce PDF est anormalement complexe : numérisez le document à nouveau.")
            if isinstance(obj, DictionaryObject):
                for name, label in FORBIDDEN_KEYS.items():
                    if name in obj:
                        raise UnsafePdf(_refusal(label))
                action = obj.get("/S")
                if action in FORBIDDEN_ACTIONS:
                    raise UnsafePdf(_refusal(FORBIDDEN_ACTIONS[action]))
                subtype = obj.get("/Subtype")
                if subtype in FORBIDDEN_SUBTYPES and obj.get("/Type") in (None, "/Annot"):
                    raise UnsafePdf(_refusal(FORBIDDEN_SUBTYPES[subtype]))
                names = obj.get("/Names")
                if isinstance(names, DictionaryObject | IndirectObject):
                    resolved = names.get_object()
                    if isinstance(resolved, DictionaryObject):
                        for name in ("/JavaScript", "/EmbeddedFiles"):
                            if name in resolved:
                                raise UnsafePdf(_refusal(FORBIDDEN_KEYS[name]))
                stack.extend(v for k, v in obj.items() if k not in ("/Parent", "/P"))
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
            elif hasattr(obj, "get") and hasattr(obj, "items"):  # streams are dictionaries too
                stack.extend(v for _, v in obj.items())
    except UnsafePdf:
        raise
    except Exception as exc:  # noqa: BLE001
        raise UnsafePdf("Ce fichier n'a pas pu être lu comme un PDF : il est endommagé ou n'est "
                        "pas un PDF.") from exc


def _refusal(what: str) -> str:
    return (f"Ce PDF contient {what} : seuls les scans simples (images ou texte, sans contenu "
            "actif ni pièce jointe) sont acceptés. Numérisez ou imprimez le document en PDF à "
            "nouveau, puis recommencez.")
