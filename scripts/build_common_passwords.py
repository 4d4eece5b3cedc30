#!/usr/bin/env python3
"""Build hrtele/data/common_passwords.txt, the list of refused common passwords (ASVS 6.2.4).

Run once by a developer; the output file is committed and read at run time, so the
application has no run-time dependency on Django or on the network.

Sources
-------
1. Django's bundled list ``django/contrib/auth/common-passwords.txt.gz`` (Django is
   BSD-3-Clause). Django's documentation describes it as the 20,000 most common
   passwords compiled by Royce Williams from public breach corpora; the copy shipped
   in Django 5.2.x holds 19,640 distinct lower-cased entries and already contains the
   usual French ones ("azerty", "soleil", "motdepasse", "bonjour", "doudou" ...).
   The wheel is fetched with the ordinary client, ``pip download --no-deps``, unless
   ``--django-wheel`` points at one already downloaded.
2. A French and product-context supplement, plus digit and keyboard runs of any length written here (ASVS 6.2.11, CNIL 2022-100):
   frequent French words, first names and keyboard walks, plus this product's and
   domain's own words, each combined with the digit and symbol suffixes people add
   to reach a minimum length ("azerty123456", "motdepasse2026!", "soleil123456").

The policy (hrtele/auth/passwords.py) also strips leading and trailing digits and
symbols before looking a password up, so "Soleil2026!!!" is refused through "soleil".

Usage:  python scripts/build_common_passwords.py [--django-wheel PATH] [--output PATH]
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

DJANGO_VERSION = "5.2.19"
DJANGO_MEMBER = "django/contrib/auth/common-passwords.txt.gz"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "hrtele" / "data" / "common_passwords.txt"

FRENCH_WORDS = """
azerty azertyuiop azertyuiopqsdfghjklm qsdfghjklm wxcvbn wxcvbnazerty azertyqsdf aqwzsx
motdepasse motdepass mot2passe mdp monmotdepasse motdepassesecret passe secret
bonjour bonsoir salut coucou bienvenue merci soleil lune etoile nuage printemps ete automne
hiver vacances plage montagne mer ocean chocolat caramel bonbon fraise framboise cerise
pomme banane vanille nutella croissant baguette fromage camembert champagne
amour jetaime jetaimebeaucoup monamour moncoeur mavie cheri cherie chouchou doudou loulou
bisous bisou calin famille maison enfant enfants bebe maman papa mamie papi tonton tata
princesse prince papillon coccinelle licorne bisounours doudoune nounours
chat chaton chien chiot lapin cheval poney tigre lion loup renard dauphin
france paris marseille lyon toulouse nice nantes bordeaux lille strasbourg montpellier
rennes reims toulon grenoble dijon angers nimes brest bretagne normandie provence corse
alsace savoie auvergne ariege foix pamiers olympique psg allezlom allezparis om ol asse
football foot rugby tennis basket velo musique guitare piano danse cinema
nicolas julien camille thomas alexandre maxime antoine pierre louis lucas hugo mathieu
sebastien guillaume romain vincent olivier christophe stephane frederic laurent philippe
sophie marie julie laura manon lea emma chloe sarah pauline celine nathalie isabelle
sandrine valerie stephanie aurelie caroline elodie audrey melanie charlotte juliette
jean jeanne francois francoise michel michele patrick catherine christine martine
dupont durand martin bernard dubois moreau laurent lefebvre leroy roux
bienvenue1 administrateur admin utilisateur invite test essai demo defaut
travail bureau boulot entreprise societe patron salarie collegue equipe
ressourceshumaines rh drh paie salaire contrat avenant conge conges
teletravail teletravailleur domicile hrtele hrteletravail telework motdepasserh
""".split()

SUFFIXES = [
    "", "1", "12", "123", "1234", "12345", "123456", "1234567", "12345678", "123456789",
    "1234567890", "0", "00", "01", "007", "13", "31", "33", "59", "69", "75", "09", "!", "!!",
    "123!", "1234!", "@", "@123", "*", "#", ".", "_123", "-123", "123*",
] + [str(year) for year in range(1970, 2031)] + [f"{year}!" for year in range(2015, 2031)]


def django_list(wheel: Path | None) -> list[str]:
    """Django's common passwords, in their original frequency order."""
    with tempfile.TemporaryDirectory() as tmp:
        if wheel is None:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                 "-d", tmp, f"django=={DJANGO_VERSION}"],
                check=True,
            )
            wheel = next(Path(tmp).glob("[Dd]jango-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            raw = gzip.decompress(archive.read(DJANGO_MEMBER)).decode("utf-8")
    return [line.strip() for line in raw.splitlines() if line.strip()]


KEYBOARD_RUNS = ("1234567890", "0987654321", "azertyuiop", "qsdfghjklm", "wxcvbn",
                 "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")


def sequences() -> list[str]:
    """Digit and keyboard runs of 6 to 24 characters, and one character repeated."""
    out = []
    for run in KEYBOARD_RUNS:
        for length in range(6, 25):
            out.append((run * 3)[:length])
    for char in "0123456789azertyqwx!*.":
        for length in range(6, 25):
            out.append(char * length)
    return out


def supplement() -> list[str]:
    """French and product-context words combined with common suffixes."""
    out = sequences()
    for word in FRENCH_WORDS:
        for suffix in SUFFIXES:
            out.append(word + suffix)
        out.append("123" + word)
        out.append(word + word)
    return out


def build(wheel: Path | None) -> list[str]:
    """Deduplicated, lower-cased entries: Django's first, then the supplement."""
    seen: set[str] = set()
    entries = []
    for candidate in django_list(wheel) + supplement():
        value = candidate.strip().lower()
        if value and value not in seen and "\n" not in value:
            seen.add(value)
            entries.append(value)
    return entries


def main() -> int:
    """Write the list and print its size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--django-wheel", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    entries = build(args.django_wheel)
    args.output.write_text("\n".join(entries) + "\n", encoding="utf-8")
    print(f"{len(entries)} mots de passe écrits dans {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
