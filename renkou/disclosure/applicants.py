"""Applicants of disclosure requests: who they are, and how their personal data are kept.

An applicant is a natural person or an organisation (the annual report counts requests by these kinds, 国办公开办函
〔2021〕30号 table 3). The identity document number, the name of a natural person and the contacts are personal
information (DESIGN.md "Security and privacy"): at rest they are encrypted with AES-256-GCM under a key derived from
the register's identity key, and every list shows them masked (ID first 6 and last 4, phone 138****5678, name's first
character). A keyed hash of the document (from the register's pseudonym key) lets the office count an applicant's
requests in a month (fees by count) without decrypting anything.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from renkou.disclosure.text import DisclosureError, Text


class ApplicantKind(StrEnum):
    """The applicant kinds of the annual report's table 3 (natural person; legal persons or other organisations)."""

    PERSON = "person"
    BUSINESS = "business"
    RESEARCH = "research"
    NONPROFIT = "nonprofit"
    LEGAL_SERVICE = "legal_service"
    OTHER_ORG = "other_org"


APPLICANT_KINDS: dict[ApplicantKind, Text] = {
    ApplicantKind.PERSON: Text("自然人", "natural person"),
    ApplicantKind.BUSINESS: Text("商业企业", "business"),
    ApplicantKind.RESEARCH: Text("科研机构", "research institution"),
    ApplicantKind.NONPROFIT: Text("社会公益组织", "non-profit organisation"),
    ApplicantKind.LEGAL_SERVICE: Text("法律服务机构", "legal service organisation"),
    ApplicantKind.OTHER_ORG: Text("其他", "other organisation"),
}


def parse_applicant_kind(value: str) -> ApplicantKind:
    """An applicant kind from its name; a bad name is a bilingual error listing the valid ones."""
    try:
        return ApplicantKind(value.strip().lower().replace("-", "_"))
    except ValueError:
        valid = "|".join(kind.value for kind in ApplicantKind)
        raise DisclosureError(
            f"申请人类型 {value!r} 无效，应为 {valid}",
            f"applicant kind {value!r} is not valid; use {valid}",
            code="applicant",
        ) from None


@dataclass(frozen=True)
class Applicant:
    """What the application form asks about the applicant (art. 29 para. 2 (1)): name, identity document, contact.

    ``id_type``: 居民身份证, 护照, 统一社会信用代码 ...; ``contact_*``: at least one of phone, e-mail, address.
    """

    kind: ApplicantKind
    name: str
    id_type: str
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""

    def __post_init__(self) -> None:
        missing = [
            label
            for label, value in (("name 姓名或名称", self.name), ("id_number 证件号码", self.id_number))
            if not value.strip()
        ]
        if missing:
            raise DisclosureError(
                f"申请人信息缺少：{'、'.join(m.split()[1] for m in missing)}",
                f"applicant is missing: {', '.join(m.split()[0] for m in missing)}",
                code="applicant",
            )
        if not (self.phone.strip() or self.email.strip() or self.address.strip()):
            raise DisclosureError(
                "申请人应至少留一种联系方式（电话、电子邮箱或通信地址）",
                "the applicant must give at least one contact (phone, e-mail or postal address)",
                code="applicant",
            )
        if len(self.name) > 200 or len(self.id_number) > 64 or len(self.address) > 300:
            raise DisclosureError("申请人信息过长", "applicant details are too long", code="applicant")

    @property
    def is_person(self) -> bool:
        """True for a natural person (whose name is personal information)."""
        return self.kind is ApplicantKind.PERSON


def normalise_document(number: str) -> str:
    """A document number without spaces or dashes, upper case (``x`` check characters become ``X``)."""
    return re.sub(r"[\s\-]", "", number).upper()


def mask_document(number: str) -> str:
    """First 6 and last 4 characters of a document number; a short one is all ``*``."""
    text = normalise_document(number)
    if len(text) < 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_name(name: str, is_person: bool) -> str:
    """A person's name as its first character and ``*``; an organisation's name in full (it is not personal)."""
    text = name.strip()
    if not is_person:
        return text
    return text[:1] + "*" * max(1, len(text) - 1)


def mask_phone(phone: str) -> str:
    """A phone number as 138****5678."""
    digits = re.sub(r"\D", "", phone)
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 7 else "*" * len(digits)


def mask_email(email: str) -> str:
    """An address as z***@example.cn."""
    local, at, domain = email.strip().rpartition("@")
    return (local[:1] + "***@" + domain) if at else "***"


def masked_contact(applicant: Applicant) -> str:
    """The contacts shown in lists: masked phone and e-mail, the address reduced to its first 6 characters."""
    parts = []
    if applicant.phone.strip():
        parts.append(mask_phone(applicant.phone))
    if applicant.email.strip():
        parts.append(mask_email(applicant.email))
    if applicant.address.strip():
        parts.append(applicant.address.strip()[:6] + "…")
    return " · ".join(parts)


@dataclass(frozen=True)
class Sealer:
    """Encrypts and decrypts applicants' details and computes their keyed identity, from the register's keys."""

    encryption_key: bytes
    pseudonym_key: bytes

    @classmethod
    def from_register_keys(cls, identity: bytes, pseudonym: bytes) -> Sealer:
        """Keys derived for this purpose only (HKDF), so a disclosure ciphertext never shares a key with the
        register's identity streams."""

        def derive(secret: bytes, label: bytes) -> bytes:
            return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(secret)

        return cls(derive(identity, b"renkou disclosure applicant v1"), derive(pseudonym, b"renkou disclosure key v1"))

    def seal(self, applicant: Applicant, request_no: str) -> bytes:
        """The applicant's details as one AES-GCM ciphertext bound to the request number (a swapped row fails)."""
        nonce = os.urandom(12)
        plain = json.dumps(asdict(applicant), ensure_ascii=False).encode("utf-8")
        return nonce + AESGCM(self.encryption_key).encrypt(nonce, plain, request_no.encode("utf-8"))

    def open(self, sealed: bytes, request_no: str) -> Applicant:
        """The applicant's details back; a wrong key or an altered row is a bilingual error."""
        try:
            plain = AESGCM(self.encryption_key).decrypt(sealed[:12], sealed[12:], request_no.encode("utf-8"))
        except InvalidTag:
            raise DisclosureError(
                f"申请 {request_no} 的申请人信息无法解密（密钥不符或记录被改动）",
                f"applicant details of request {request_no} cannot be decrypted (wrong key or altered row)",
                code="sealed",
            ) from None
        data: dict[str, Any] = json.loads(plain.decode("utf-8"))
        data["kind"] = ApplicantKind(data["kind"])
        return Applicant(**data)

    def applicant_key(self, applicant: Applicant) -> str:
        """A keyed hash of the identity document: the same applicant gets the same key, nobody can reverse it."""
        text = f"{applicant.id_type.strip()}\x1f{normalise_document(applicant.id_number)}"
        return hmac.new(self.pseudonym_key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
