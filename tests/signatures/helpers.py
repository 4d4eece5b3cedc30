"""Shared set-up of the signature tests: a demonstration seal, an issued amendment, its parties."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from hrtele.documents import services as documents
from hrtele.extensions import db
from hrtele.models import Agreement, IssuedDocument, User
from hrtele.signatures.pdf import create_demo_seal, load_seal
from tests.documents.model_samples import agreement_variant, employee_with_post
from tests.factories import TEST_PASSWORD, make_user

ISSUE_DAY = date(2026, 11, 20)


def make_seal_files(folder: Path) -> tuple[Path, str]:
    """A demonstration PKCS#12 seal and its password, as demo-data creates them."""
    p12, password = folder / "cachet.p12", folder / "cachet.password"
    create_demo_seal(p12, password, "Société de test")
    return p12, password.read_text()


def seal_config(p12: Path, password: str) -> dict:
    """App configuration pointing at the seal (the SIGNING_* settings)."""
    return {"SIGNING_PKCS12": str(p12), "SIGNING_PKCS12_PASSWORD": password}


@dataclass
class Parties:
    """The issued amendment of a test and the people around it (ids: reload in any session)."""

    document_id: int
    agreement_id: int
    employee_user_id: int
    signatory_id: int
    hr_id: int

    @property
    def document(self) -> IssuedDocument:
        return db.session.get(IssuedDocument, self.document_id)

    @property
    def agreement(self) -> Agreement:
        return db.session.get(Agreement, self.agreement_id)

    def user(self, which: str) -> User:
        return db.session.get(User, getattr(self, f"{which}_id"))


def issued_amendment(
    employee_email: str = "salariee@example.test", variant: str = "full_days-none"
) -> Parties:
    """An agreement with its amendment issued, an employee account and an HR signatory."""
    employee = employee_with_post()
    employee_user = make_user(employee_email, role="employee", employee_id=employee.id,
                              display_name=employee.first_name)
    signatory = make_user("signataire@example.test", role="hr", display_name="Claire Vidal",
                          can_sign_for_employer=True)
    hr = make_user("rh.simple@example.test", role="hr", display_name="Rémi Simple")
    agreement = agreement_variant(variant, employee=employee)
    document = documents.issue_amendment(agreement, hr, ISSUE_DAY)
    db.session.commit()
    return Parties(document.id, agreement.id, employee_user.id, signatory.id, hr.id)


def validate_with_pyhanko(data: bytes, p12: Path, password: str) -> list:
    """pyHanko's own validator on every signature, trusting only the seal's certificate."""
    seal = load_seal(p12, password.encode())
    reader = PdfFileReader(io.BytesIO(data))
    statuses = []
    for embedded in reader.embedded_signatures:
        context = ValidationContext(
            trust_roots=[seal.certificate], allow_fetching=False,
            moment=embedded.self_reported_timestamp,
        )
        statuses.append(validate_pdf_signature(embedded, signer_validation_context=context))
    return statuses


__all__ = ["ISSUE_DAY", "TEST_PASSWORD", "Parties", "issued_amendment", "make_seal_files",
           "seal_config", "validate_with_pyhanko"]
