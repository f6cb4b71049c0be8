"""Applicants are identified, not just named: the declared type and its certificate number.

- 自然人 (natural person): 公民身份号码, GB 11643-1999 (17 digits and an ISO 7064 MOD 11-2
  check character);
- 法人或其他组织 (legal person or other organisation): 统一社会信用代码, GB 32100-2015
  (18 characters, MOD 31 check character, with the embedded GB 11714 organisation code).

GB/T 39046 records an applicant with 申请者名称, 证件类型 and 证件号码; the national 好差评
payload distinguishes userType 0 个人 / 1 法人. A number is checked against the declared
type only: a valid USCC declared as a natural person is refused, with a hint.
"""

from __future__ import annotations

from enum import StrEnum

from tongban.core.codes import id_card_problem, uscc_problem
from tongban.core.errors import Violation


class ApplicantKind(StrEnum):
    NATURAL_PERSON = "natural_person"
    LEGAL_PERSON = "legal_person"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def id_label(self) -> str:
        return ID_LABELS[self]


KIND_LABELS = {
    ApplicantKind.NATURAL_PERSON: "自然人",
    ApplicantKind.LEGAL_PERSON: "法人或其他组织",
}
ID_LABELS = {
    ApplicantKind.NATURAL_PERSON: "公民身份号码",
    ApplicantKind.LEGAL_PERSON: "统一社会信用代码",
}

ID_NAMES = {
    ApplicantKind.NATURAL_PERSON: "citizen ID number (GB 11643)",
    ApplicantKind.LEGAL_PERSON: "unified social credit code (GB 32100)",
}

KIND_POINTER = "/applicant_kind"
ID_POINTER = "/applicant_id"


def normalize_id(number: str) -> str:
    """The number as it is stored and printed: no surrounding blanks, letters upper-case
    (an ID card's check character ``x`` is written ``X``)."""
    return number.strip().upper()


def id_problem(kind: ApplicantKind, number: str) -> str | None:
    """Why ``number`` is not a valid certificate number for ``kind`` (None: it is)."""
    number = normalize_id(number)
    if kind is ApplicantKind.NATURAL_PERSON:
        return id_card_problem(number)
    return uscc_problem(number)


def applicant_problems(kind: str, number: str) -> list[Violation]:
    """The declared type and the number, checked; every problem with its field pointer."""
    try:
        declared = ApplicantKind(kind)
    except ValueError:
        choices = "、".join(f"{k.value}（{k.label}）" for k in ApplicantKind)
        return [
            Violation(
                "APPLICANT_KIND_UNKNOWN",
                KIND_POINTER,
                f"申请人类型须为 {choices} (applicant kind must be one of "
                f"{', '.join(k.value for k in ApplicantKind)}; got {kind!r})",
            )
        ]
    problem = id_problem(declared, number)
    if problem is None:
        return []
    message = f"申请人证件号码不是有效的{declared.id_label}：{problem}"
    other = next(k for k in ApplicantKind if k is not declared)
    if id_problem(other, number) is None:
        message += f"；该号码是有效的{other.id_label}，申请人类型应为{other.label}（{other.value}）"
    message += f" (applicant id is not a valid {ID_NAMES[declared]})"
    return [Violation("APPLICANT_ID_INVALID", ID_POINTER, message)]
