"""Benchmark: validating a realistic 30-field application form (target: ≥ 10,000/s).

Run: ``.venv/bin/python bench/forms.py [N]`` (default N = 20,000 instances: half valid, half
invalid), on one core. The form is a 食品经营许可申请 (food business licence application)
in JSON Schema 2020-12: 30 fields, most referencing ``urn:tongban:common#/$defs/…`` (ID
card, USCC, mobile, phone, address, date, money, person / company name, email, postcode),
with enums, nested objects, arrays of objects, ``const``, ``if``/``then`` rules and
``required`` at several levels. Invalid instances carry three to six errors each, of random
kinds.

"Ours" is the platform's path, ``validate_form_data(schema, data, registry)``: the validator
cached per schema, the schema compiled once into Python closures that report every error
themselves (``tongban.core.form_compiler``), jsonschema not involved; for valid data the
pre-built ``FormValidator.validate`` alone is shown too. The peer is jsonschema's own
validator, built once (``Draft202012Validator(schema, registry=…, format_checker=…)``),
running ``list(iter_errors(data))``. Before timing, every invalid instance is checked to get
exactly the errors jsonschema finds: the same set of instance locations (a ``required`` or
``additionalProperties: false`` error located at the missing / extra field, as ours reports
it) and as many distinct (location, keyword) errors; the first thousand, the very same
violations, messages included, as the platform's jsonschema path
(``FormValidator.jsonschema_violations``). Figures are CPU time of this process
(``time.process_time``), each workload timed once per validator over the same instances.
The last line compares the mixed workload. jsonschema at about 2 ms a validation makes a run
take a few minutes.
"""

from __future__ import annotations

import copy
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))

from jsonschema import Draft202012Validator, ValidationError  # noqa: E402

from tongban.adapters.files.schemas import load_schema_dir  # noqa: E402
from tongban.core.codes import id_card_problem, make_uscc  # noqa: E402
from tongban.core.forms import (  # noqa: E402
    FORMAT_CHECKER,
    SchemaRegistry,
    check_form_schema,
    json_pointer,
    validate_form_data,
)

TARGET_PER_S = 10_000
DEFAULT_N = 20_000
SEED = 20260930
COMMON = "urn:tongban:common#/$defs/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

BUSINESS_ITEMS = [
    "预包装食品销售",
    "散装食品销售",
    "特殊食品销售",
    "热食类食品制售",
    "冷食类食品制售",
    "生食类食品制售",
    "半成品制售",
    "自制饮品制售",
]


def ref(name: str, title: str) -> dict[str, Any]:
    return {"$ref": COMMON + name, "title": title}


def person(title: str) -> dict[str, Any]:
    return {
        "type": "object",
        "title": title,
        "properties": {
            "name": ref("personName", "姓名"),
            "idCard": ref("idCard", "身份证号"),
            "mobile": ref("mobile", "手机"),
        },
        "required": ["name", "idCard", "mobile"],
        "additionalProperties": False,
    }


def when(field: str, value: Any, *required: str) -> dict[str, Any]:
    return {
        "if": {"properties": {field: {"const": value}}, "required": [field]},
        "then": {"required": list(required)},
    }


def food_licence_form() -> dict[str, Any]:
    """食品经营许可申请表: 30 fields."""
    properties: dict[str, Any] = {
        "applicantType": {
            "type": "string",
            "title": "申请人类型",
            "enum": ["企业", "个体工商户", "其他组织"],
        },
        "operatorName": ref("companyName", "经营者名称"),
        "uscc": ref("uscc", "统一社会信用代码"),
        "legalRepresentative": ref("personName", "法定代表人（负责人）"),
        "legalRepresentativeIdCard": ref("idCard", "法定代表人身份证号"),
        "legalRepresentativeMobile": ref("mobile", "法定代表人手机"),
        "residenceAddress": ref("address", "住所"),
        "premisesAddress": ref("address", "经营场所"),
        "postcode": ref("postcode", "邮政编码"),
        "contactPhone": ref("phone", "联系电话"),
        "email": ref("email", "电子邮箱"),
        "mainBusinessFormat": {
            "type": "string",
            "title": "主体业态",
            "enum": ["食品销售经营者", "餐饮服务经营者", "单位食堂"],
        },
        "businessItems": {
            "type": "array",
            "title": "经营项目",
            "items": {"type": "string", "enum": BUSINESS_ITEMS},
            "minItems": 1,
            "maxItems": len(BUSINESS_ITEMS),
        },
        "isOnlineSales": {"type": "boolean", "title": "是否网络经营"},
        "onlinePlatform": {
            "type": "object",
            "title": "网络经营平台",
            "properties": {
                "platformName": ref("companyName", "平台名称"),
                "storeUrl": {
                    "type": "string",
                    "title": "店铺网址",
                    "pattern": "^https://[^\\s]+$",
                    "maxLength": 300,
                },
            },
            "required": ["platformName", "storeUrl"],
            "additionalProperties": False,
        },
        "businessArea": {"type": "number", "title": "经营场所面积（平方米）", "minimum": 1},
        "warehouseArea": {"type": ["number", "null"], "title": "仓库面积（平方米）", "minimum": 0},
        "employeeCount": {
            "type": "integer",
            "title": "从业人员数",
            "minimum": 1,
            "maximum": 100_000,
        },
        "foodSafetyManager": {
            **person("食品安全管理人员"),
            "properties": {
                **person("")["properties"],
                "trainingCertNo": {
                    "type": "string",
                    "title": "培训合格证明编号",
                    "pattern": "^[A-Z0-9]{8,20}$",
                },
            },
        },
        "practitioners": {
            "type": "array",
            "title": "从业人员健康证明",
            "minItems": 1,
            "maxItems": 50,
            "items": {
                "type": "object",
                "properties": {
                    "name": ref("personName", "姓名"),
                    "idCard": ref("idCard", "身份证号"),
                    "healthCertExpiry": ref("date", "健康证明有效期至"),
                },
                "required": ["name", "idCard", "healthCertExpiry"],
                "additionalProperties": False,
            },
        },
        "registeredCapital": ref("money", "注册资本（分）"),
        "foundedOn": ref("date", "成立日期"),
        "plannedOpeningDate": ref("date", "拟开业日期"),
        "chainOperation": {"type": "boolean", "title": "是否连锁经营"},
        "headquarters": {
            "type": "object",
            "title": "连锁总部",
            "properties": {
                "name": ref("companyName", "总部名称"),
                "uscc": ref("uscc", "总部统一社会信用代码"),
            },
            "required": ["name", "uscc"],
            "additionalProperties": False,
        },
        "storageConditions": {
            "type": "array",
            "title": "贮存条件",
            "items": {"enum": ["常温", "冷藏", "冷冻"]},
            "minItems": 1,
        },
        "equipment": {
            "type": "array",
            "title": "主要设备设施",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 64},
                    "quantity": {"type": "integer", "minimum": 1},
                },
                "required": ["name", "quantity"],
            },
        },
        "agent": person("委托代理人"),
        "declaration": {"const": True, "title": "申请人承诺"},
        "remarks": {"type": "string", "title": "备注", "maxLength": 500},
    }
    assert len(properties) == 30
    return {
        "$schema": DRAFT,
        "title": "食品经营许可申请表",
        "type": "object",
        "properties": properties,
        "required": [
            "applicantType",
            "operatorName",
            "legalRepresentative",
            "legalRepresentativeIdCard",
            "legalRepresentativeMobile",
            "premisesAddress",
            "mainBusinessFormat",
            "businessItems",
            "businessArea",
            "employeeCount",
            "foodSafetyManager",
            "practitioners",
            "storageConditions",
            "declaration",
        ],
        "additionalProperties": False,
        "allOf": [
            when("applicantType", "企业", "uscc", "registeredCapital"),
            when("isOnlineSales", True, "onlinePlatform"),
            when("chainOperation", True, "headquarters"),
            when("mainBusinessFormat", "餐饮服务经营者", "equipment"),
        ],
    }


# --------------------------------------------------------------------------- instances

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"
CITIES = [
    ("黑龙江省", "哈尔滨市", "南岗区", "230103"),
    ("浙江省", "杭州市", "西湖区", "330106"),
    ("广东省", "深圳市", "南山区", "440305"),
    ("四川省", "成都市", "武侯区", "510107"),
]
USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"


class Instances:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(GIVEN) for _ in range(self.rng.randint(1, 2))
        )

    def id_card(self) -> str:
        area = self.rng.choice(CITIES)[3]
        birth = f"{self.rng.randint(1950, 2004)}{self.rng.randint(1, 12):02d}{self.rng.randint(1, 28):02d}"
        body = area + birth + f"{self.rng.randint(0, 999):03d}"
        for check in "0123456789X":
            if id_card_problem(body + check) is None:
                return body + check
        raise AssertionError("no check digit")

    def uscc(self) -> str:
        org = "".join(self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
        return make_uscc("91" + self.rng.choice(CITIES)[3], org)

    def mobile(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randint(0, 999_999_999):09d}"

    def date(self, start: int = 2000, end: int = 2027) -> str:
        return f"{self.rng.randint(start, end)}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def address(self) -> dict[str, Any]:
        province, city, county, _ = self.rng.choice(CITIES)
        return {
            "province": province,
            "city": city,
            "county": county,
            "detail": f"{self.rng.choice(['中山路', '人民大街', '学府路', '建设路'])} {self.rng.randint(1, 999)} 号",
        }

    def person(self) -> dict[str, Any]:
        return {"name": self.name(), "idCard": self.id_card(), "mobile": self.mobile()}

    def valid(self) -> dict[str, Any]:
        rng = self.rng
        kind = rng.choice(["企业", "企业", "个体工商户", "其他组织"])
        fmt = rng.choice(["食品销售经营者", "餐饮服务经营者", "单位食堂"])
        online = rng.random() < 0.4
        chain = rng.random() < 0.3
        data: dict[str, Any] = {
            "applicantType": kind,
            "operatorName": f"{rng.choice(CITIES)[1]}{self.name()}餐饮管理有限公司",
            "legalRepresentative": self.name(),
            "legalRepresentativeIdCard": self.id_card(),
            "legalRepresentativeMobile": self.mobile(),
            "residenceAddress": self.address(),
            "premisesAddress": self.address(),
            "postcode": f"{rng.randint(100000, 999999)}",
            "contactPhone": rng.choice([self.mobile(), f"0451-{rng.randint(1000000, 99999999)}"]),
            "email": f"shop{rng.randint(1, 99999)}@example.cn",
            "mainBusinessFormat": fmt,
            "businessItems": rng.sample(BUSINESS_ITEMS, rng.randint(1, 4)),
            "isOnlineSales": online,
            "businessArea": round(rng.uniform(20, 2000), 1),
            "warehouseArea": rng.choice([None, round(rng.uniform(0, 500), 1)]),
            "employeeCount": rng.randint(1, 200),
            "foodSafetyManager": {
                **self.person(),
                "trainingCertNo": f"PX{rng.randint(10**7, 10**9)}",
            },
            "practitioners": [
                {
                    "name": self.name(),
                    "idCard": self.id_card(),
                    "healthCertExpiry": self.date(2026, 2028),
                }
                for _ in range(rng.randint(1, 8))
            ],
            "foundedOn": self.date(1995, 2025),
            "plannedOpeningDate": self.date(2026, 2027),
            "chainOperation": chain,
            "storageConditions": rng.sample(["常温", "冷藏", "冷冻"], rng.randint(1, 3)),
            "declaration": True,
            "remarks": rng.choice(["", "无", "申请新办"]),
        }
        if kind == "企业":
            data["uscc"] = self.uscc()
            data["registeredCapital"] = rng.randint(1, 10**6) * 100
        if online:
            data["onlinePlatform"] = {
                "platformName": rng.choice(["美团", "饿了么", "淘宝"]),
                "storeUrl": f"https://shop.example.cn/{rng.randint(1, 10**6)}",
            }
        if chain:
            data["headquarters"] = {"name": "某某餐饮连锁有限公司", "uscc": self.uscc()}
        if fmt == "餐饮服务经营者" or rng.random() < 0.3:
            data["equipment"] = [
                {
                    "name": rng.choice(["冷藏柜", "消毒柜", "灶台", "排烟罩"]),
                    "quantity": rng.randint(1, 6),
                }
                for _ in range(rng.randint(1, 5))
            ]
        if rng.random() < 0.3:
            data["agent"] = self.person()
        return data

    # each mutation introduces one error (at least)
    def _mutations(self) -> list[Callable[[dict[str, Any]], None]]:
        rng = self.rng

        def id_check_digit(d: dict[str, Any]) -> None:
            number = d["legalRepresentativeIdCard"]
            d["legalRepresentativeIdCard"] = number[:17] + ("0" if number[17] != "0" else "1")

        def mobile(d: dict[str, Any]) -> None:
            d["legalRepresentativeMobile"] = "12" + d["legalRepresentativeMobile"][2:]

        def missing(d: dict[str, Any]) -> None:
            d.pop(rng.choice(["businessArea", "operatorName", "mainBusinessFormat"]))

        def bad_item(d: dict[str, Any]) -> None:
            d["businessItems"] = [*d["businessItems"], "烟草制品零售"]

        def capital(d: dict[str, Any]) -> None:
            d["registeredCapital"] = -rng.randint(1, 1000)

        def date(d: dict[str, Any]) -> None:
            d["plannedOpeningDate"] = rng.choice(["2026-02-30", "2026/10/01", "明年"])

        def address_extra(d: dict[str, Any]) -> None:
            d["premisesAddress"] = {**d["premisesAddress"], "floor": "3F"}

        def address_detail(d: dict[str, Any]) -> None:
            d["residenceAddress"] = {
                k: v for k, v in d["residenceAddress"].items() if k != "detail"
            }

        def practitioner(d: dict[str, Any]) -> None:
            people = [dict(p) for p in d["practitioners"]]
            del people[rng.randrange(len(people))]["healthCertExpiry"]
            d["practitioners"] = people

        def employee_type(d: dict[str, Any]) -> None:
            d["employeeCount"] = rng.choice(["十", 2.5, True])

        def online_platform(d: dict[str, Any]) -> None:
            d["isOnlineSales"] = True
            d.pop("onlinePlatform", None)

        def declaration(d: dict[str, Any]) -> None:
            d["declaration"] = False

        def email(d: dict[str, Any]) -> None:
            d["email"] = "shop@@example"

        def uscc(d: dict[str, Any]) -> None:
            d["applicantType"] = "企业"
            d["uscc"] = self.uscc()[:-1] + "I"
            d.setdefault("registeredCapital", 100)

        def extra_field(d: dict[str, Any]) -> None:
            d["wechat"] = "shop123"

        def remarks(d: dict[str, Any]) -> None:
            d["remarks"] = "长" * 501

        def manager(d: dict[str, Any]) -> None:
            d["foodSafetyManager"] = {
                **d["foodSafetyManager"],
                "trainingCertNo": "px-1",
                "mobile": "010-1234",
            }

        def equipment(d: dict[str, Any]) -> None:
            d["equipment"] = [{"name": "", "quantity": 0}]

        return [
            id_check_digit,
            mobile,
            missing,
            bad_item,
            capital,
            date,
            address_extra,
            address_detail,
            practitioner,
            employee_type,
            online_platform,
            declaration,
            email,
            uscc,
            extra_field,
            remarks,
            manager,
            equipment,
        ]

    def invalid(self) -> dict[str, Any]:
        data = self.valid()
        chosen = self.rng.sample(self._mutations(), self.rng.randint(3, 6))
        # removing a field goes last, so no later mutation finds it gone (or puts it back)
        for mutate in sorted(chosen, key=lambda m: m.__name__ == "missing"):
            mutate(data)
        return data


# --------------------------------------------------------------------------- checks


def expected_errors(errors: Sequence[ValidationError]) -> tuple[set[str], set[tuple[str, str]]]:
    """jsonschema's errors as (locations, distinct (location, keyword)); a ``required`` error
    located at each missing field, an ``additionalProperties: false`` one at each extra."""
    where: set[tuple[str, str]] = set()
    for error in errors:
        path = tuple(error.absolute_path)
        keyword = str(error.validator)
        if keyword == "required":
            for name in error.validator_value:
                if name not in error.instance:
                    where.add((json_pointer((*path, name)), keyword))
        elif keyword == "additionalProperties" and error.validator_value is False:
            known = error.schema.get("properties", {})
            for name in error.instance:
                if name not in known:
                    where.add((json_pointer((*path, name)), keyword))
        else:
            where.add((json_pointer(path), keyword))
    return {pointer for pointer, _ in where}, where


def pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def rate(validate: Callable[[Any], object], instances: Sequence[Any]) -> float:
    """Validations per CPU second over ``instances``."""
    started = time.process_time()
    for instance in instances:
        validate(instance)
    return len(instances) / (time.process_time() - started)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_N
    pin_to_one_core()
    rng = random.Random(SEED)
    form = food_licence_form()
    documents = load_schema_dir()
    registry = SchemaRegistry(documents)
    assert check_form_schema(form, registry) == [], check_form_schema(form, registry)
    validator = registry.validator(form)
    peer = Draft202012Validator(form, registry=registry.registry, format_checker=FORMAT_CHECKER)

    make = Instances(rng)
    valid = [make.valid() for _ in range(n // 2)]
    invalid = [make.invalid() for _ in range(n - n // 2)]
    mixed = [*valid, *invalid]
    rng.shuffle(mixed)
    pristine = copy.deepcopy(mixed)

    # every error still reported: checked on every instance, outside the timing
    errors_seen = checked_messages = 0
    for instance in valid:
        assert validate_form_data(form, instance, registry) == [], instance
        assert peer.is_valid(instance), instance
    for instance in invalid:
        ours = validate_form_data(form, instance, registry)
        locations, distinct = expected_errors(list(peer.iter_errors(instance)))
        assert len(distinct) >= 3, (instance, distinct)
        assert {v.pointer for v in ours} == locations, (instance, ours, locations)
        assert len(ours) == len(distinct), (instance, ours, distinct)
        if checked_messages < 1000:
            assert ours == validator.jsonschema_violations(instance), instance
            checked_messages += 1
        errors_seen += len(ours)
    print(
        f"form: {len(form['properties'])} fields; {len(valid)} valid and {len(invalid)} invalid "
        f"instances, {errors_seen / len(invalid):.1f} errors each on average; every invalid "
        "instance reports exactly jsonschema's errors"
    )
    print(f"compiled validator (valid and invalid data): {validator.compiled}")

    def ours(data: Any) -> object:
        return validate_form_data(form, data, registry)

    def theirs(data: Any) -> object:
        return list(peer.iter_errors(data))

    results: dict[str, tuple[float, float]] = {}
    for label, instances in (("valid", valid), ("invalid", invalid), ("mixed", mixed)):
        mine, peer_rate = rate(ours, instances), rate(theirs, instances)
        results[label] = (mine, peer_rate)
        print(
            f"{label:>8} ({len(instances):6d} validations): ours {mine:9,.0f}/s   "
            f"jsonschema {peer_rate:9,.0f}/s   = {mine / peer_rate:.1f}x"
        )
    print(
        f"valid data through a pre-built FormValidator.validate (no per-call lookup): "
        f"{rate(validator.validate, valid):,.0f}/s"
    )
    assert mixed == pristine, "validation changed its input"
    mine, peer_rate = results["mixed"]
    for label, (figure, _) in results.items():
        verdict = "meets" if figure >= TARGET_PER_S else "MISSES"
        print(f"target {TARGET_PER_S:,}/s, {label}: {verdict}")
    print(f"forms: {mine:.0f}/s vs jsonschema {peer_rate:.0f}/s = {mine / peer_rate:.1f}x")


if __name__ == "__main__":
    main()
