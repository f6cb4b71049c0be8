"""Applicants are identified: the declared type and a number that passes its check."""

from __future__ import annotations

import pytest

from tongban.core.applicants import (
    ID_POINTER,
    KIND_POINTER,
    ApplicantKind,
    applicant_problems,
    normalize_id,
)

CITIZEN = "11010519491231002X"  # GB 11643 check character X
COMPANY = "91110000600037341L"  # GB 32100 check character L


@pytest.mark.parametrize(
    ("kind", "number"),
    [
        (ApplicantKind.NATURAL_PERSON, CITIZEN),
        (ApplicantKind.NATURAL_PERSON, " 11010519491231002x "),  # written loosely
        (ApplicantKind.LEGAL_PERSON, COMPANY),
        ("legal_person", "91230123MA1B2C3D80"),
    ],
)
def test_valid_numbers_for_their_declared_kind_pass(kind: str, number: str) -> None:
    assert applicant_problems(kind, number) == []


def test_the_stored_form_is_trimmed_and_upper_case() -> None:
    assert normalize_id(" 11010519491231002x ") == CITIZEN


@pytest.mark.parametrize(
    ("kind", "number", "expected"),
    [
        (ApplicantKind.NATURAL_PERSON, "x", "公民身份号码应为17位数字加1位校验码"),
        (ApplicantKind.NATURAL_PERSON, "110105194912310021", "公民身份号码校验码错误"),
        (ApplicantKind.LEGAL_PERSON, "x", "统一社会信用代码应为18位"),
        (ApplicantKind.LEGAL_PERSON, "91110000600037341A", "统一社会信用代码校验位错误"),
        (ApplicantKind.LEGAL_PERSON, "", "统一社会信用代码应为18位"),
    ],
)
def test_a_bad_number_is_refused_at_its_field_in_chinese_first(
    kind: ApplicantKind, number: str, expected: str
) -> None:
    [problem] = applicant_problems(kind, number)
    assert (problem.code, problem.pointer) == ("APPLICANT_ID_INVALID", ID_POINTER)
    assert problem.message.startswith(f"申请人证件号码不是有效的{kind.id_label}：{expected}")
    assert "applicant id is not a valid" in problem.message  # English after the Chinese


def test_a_number_of_the_other_kind_is_refused_with_a_hint() -> None:
    [as_person] = applicant_problems("natural_person", COMPANY)
    assert as_person.code == "APPLICANT_ID_INVALID"
    assert "该号码是有效的统一社会信用代码，申请人类型应为法人或其他组织（legal_person）" in (
        as_person.message
    )
    [as_company] = applicant_problems("legal_person", CITIZEN)
    assert "该号码是有效的公民身份号码，申请人类型应为自然人（natural_person）" in (
        as_company.message
    )


@pytest.mark.parametrize("kind", ["", "company", "NATURAL_PERSON"])
def test_an_undeclared_or_unknown_kind_is_refused(kind: str) -> None:
    [problem] = applicant_problems(kind, CITIZEN)
    assert (problem.code, problem.pointer) == ("APPLICANT_KIND_UNKNOWN", KIND_POINTER)
    assert problem.message.startswith("申请人类型须为 natural_person（自然人）")
