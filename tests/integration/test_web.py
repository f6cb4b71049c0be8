"""The web app through Flask's test client, on SQLite and PostgreSQL.

Data is made through the services (factories); logins through the demo-login code the
``tongban serve --demo`` command uses. Every isolation check compares a sibling's page
with a code that does not exist: the two answers must be byte for byte the same.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.web.app import TENANT_ROLE
from tongban.services import definitions
from tongban.services.schemas import Schemas

from .case_support import PASSWORD
from .factories import MATTER_CODE, admin, implementation, publish_matter, seed_tree, standard
from .web_support import login

IMPL = f"/catalog/implementation/230123/{MATTER_CODE}"


@pytest.fixture
def app(db: Database, schemas: Schemas, make_app: Callable[..., Flask]) -> Flask:
    seed_tree(db)
    publish_matter(db, schemas, "230000", standard())
    publish_matter(db, schemas, "230123", standard())  # a county refinement (identical)
    publish_matter(db, schemas, "230123", implementation())
    return make_app()


def text(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    return response.get_data(as_text=True)


def test_health_needs_no_login(app: Flask) -> None:
    response = app.test_client().get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": True, "sealKey": True, "version": "0.1.0"}


def test_pages_need_a_login(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/catalog/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    bad = client.post("/login/", data={"username": "230123_clerk", "password": "wrong"})
    assert client.get("/catalog/").status_code == 302
    assert bad.status_code == 302 and "/login/" in bad.headers["Location"]


def test_a_county_clerk_browses_in_chinese(app: Flask) -> None:
    client = login(app, "230123_clerk")
    home = text(client, "/")
    assert "依兰县" in home and "窗口人员" in home and "事项目录" in home
    tree = text(client, "/tenants/")
    for name in ("国家", "黑龙江省", "哈尔滨市", "依兰县"):
        assert name in tree
    node = text(client, "/tenants/230123")
    assert "部门" in node and "230123_admin" in node and "药品零售企业经营许可" in node
    page = text(client, IMPL)
    for words in ("办事指南", "实施编码", "县级审批", "承诺件", "一次性告知单", "申请表单"):
        assert words in page
    assert "统一社会信用代码" in page and "urn:tongban:common#/$defs/uscc" in page
    assert "<svg" in page and "办理流程" in page
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    assert len(ET.fromstring(svg).findall("{http://www.w3.org/2000/svg}g")) == 7
    standard_page = text(client, f"/catalog/standard/230000/{MATTER_CODE}")
    assert "标准内容" in standard_page and "收件 → 受理 → 审查 → 决定 → 办结" in standard_page
    history = text(client, f"{IMPL}/history")
    assert "版本历史" in history and "已发布" in history and "230123_admin" in history
    notice = client.get(f"{IMPL}/notice.txt")
    assert notice.headers["Content-Type"] == "text/plain; charset=utf-8"  # one charset, not two
    body = notice.get_data(as_text=True)
    assert body.startswith("一次性告知单") and "质量管理文件" in body
    assert client.get("/users/userinfo/").status_code == 200
    assert client.get("/users/list/").status_code == 403  # user admin is the platform admin's


def test_catalog_pages_and_filters(app: Flask) -> None:
    client = login(app, "230123_clerk")
    everything = text(client, "/catalog/")
    assert "共 3 项" in everything  # province standard, own refinement, own implementation
    first = text(client, "/catalog/?per_page=2")
    assert "第 1 / 2 页" in first and "下一页" in first and "上一页" not in first
    second = text(client, "/catalog/?per_page=2&page=2")
    assert "第 2 / 2 页" in second and "上一页" in second and "下一页" not in second
    assert "实施清单事项" in second  # standards come first within a tenant
    assert "共 1 项" in text(client, "/catalog/?kind=implementation")
    assert "共 1 项" in text(client, "/catalog/?level=province")
    assert "共 0 项" in text(client, "/catalog/?level=city")
    assert "第 2 / 2 页" in text(client, "/catalog/?per_page=2&page=99")  # clamped


def test_a_sibling_county_gets_the_same_404_as_a_missing_code(app: Flask) -> None:
    client = login(app, "230124_clerk")
    pairs = [
        (IMPL, f"/catalog/implementation/999999/{MATTER_CODE}"),
        (IMPL, "/catalog/implementation/230124/ZZZZZZZZZZZZ"),
        (f"/catalog/standard/230123/{MATTER_CODE}", f"/catalog/standard/999999/{MATTER_CODE}"),
        (f"{IMPL}/history", f"/catalog/implementation/999999/{MATTER_CODE}/history"),
        (f"{IMPL}/notice.txt", f"/catalog/implementation/999999/{MATTER_CODE}/notice.txt"),
        ("/tenants/230123", "/tenants/999999"),
        ("/catalog/nonsense/230123/x/history", "/no/such/page"),
    ]
    for sibling, missing in pairs:
        theirs, nothing = text(client, sibling, 404), text(client, missing, 404)
        assert theirs == nothing, sibling
        assert "不存在" in theirs and "依兰县" not in theirs
    assert "依兰县" not in text(client, "/tenants/")
    catalog = text(client, "/catalog/")
    assert "依兰县" not in catalog and "共 1 项" in catalog  # only the province standard


def test_a_city_sees_its_counties_but_not_an_ancestors_drafts(
    app: Flask, db: Database, schemas: Schemas
) -> None:
    city = login(app, "230100_admin")
    assert "依兰县" in text(city, IMPL)
    assert "方正县" in text(city, "/tenants/") and "依兰县" in text(city, "/tenants/")
    assert "依兰县" in text(city, "/catalog/?kind=implementation")
    # the province starts v2 of its standard: a draft, which only the province may see
    with db.for_tenant("230000") as uow:
        definitions.start_draft(uow, admin("230000"), "standard", MATTER_CODE, schemas)
    url = f"/catalog/standard/230000/{MATTER_CODE}"
    assert "v1" in text(city, url)
    assert text(city, f"{url}?version=2", 404) == text(city, f"{url}?version=9", 404)
    assert "草稿" not in text(city, f"{url}/history")
    province = login(app, "230000_admin")
    assert "草稿" in text(province, f"{url}?version=2")


def test_the_platform_admin_acts_for_the_nation(app: Flask) -> None:
    client = login(app, "admin")
    home = text(client, "/")
    assert "平台管理员" in home and "国家" in home
    tree = text(client, "/tenants/")
    assert "依兰县" in tree and "方正县" in tree
    assert "药品零售企业经营许可" in text(client, IMPL)


def test_a_login_without_a_tenant_sees_a_chinese_error(app: Flask) -> None:
    with app.app_context():
        sm = app.extensions["appbuilder"].sm
        sm.add_user("stranger", "陌生人", "", "s@x.invalid", sm.find_role(TENANT_ROLE), PASSWORD)
    client = login(app, "stranger")
    page = text(client, "/catalog/", 403)
    assert "未关联" in page
    assert "未关联" in text(client, "/")


DRAFT_NAME = "药品零售企业经营许可（修订草案）"


def test_a_draft_name_stays_with_its_owner(app: Flask, db: Database, schemas: Schemas) -> None:
    # the province saves v2 of its standard under a new name: a draft
    with db.for_tenant("230000") as uow:
        definitions.save_draft(uow, admin("230000"), standard(name=DRAFT_NAME), schemas)
    url = f"/catalog/standard/230000/{MATTER_CODE}"
    for below in ("230100_admin", "230123_clerk"):  # a child and a grandchild
        client = login(app, below)
        for page in ("/catalog/?kind=standard", "/tenants/230000", url, f"{url}/history"):
            shown = text(client, page)
            assert "药品零售企业经营许可" in shown and DRAFT_NAME not in shown, (below, page)
        assert text(client, f"{url}?version=2", 404) == text(client, f"{url}?version=9", 404)
    province = login(app, "230000_admin")
    assert DRAFT_NAME in text(province, f"{url}?version=2")
    assert DRAFT_NAME not in text(province, "/catalog/?kind=standard")  # the published name


def test_a_never_published_implementation_is_shown_to_its_owner_and_reviewer(
    app: Flask, db: Database, schemas: Schemas
) -> None:
    with db.for_tenant("230124") as uow:
        definitions.save_draft(uow, admin("230124"), implementation(name=DRAFT_NAME), schemas)
    draft = f"/catalog/implementation/230124/{MATTER_CODE}"
    missing = f"/catalog/implementation/239999/{MATTER_CODE}"
    owner = login(app, "230124_admin")
    assert DRAFT_NAME in text(owner, "/catalog/?kind=implementation")
    assert "草稿" in text(owner, draft)
    city, province, sibling = (
        login(app, u) for u in ("230100_admin", "230000_admin", "230123_clerk")
    )
    for other in (city, province, sibling):  # parent, grandparent, sibling: as if missing
        assert text(other, draft, 404) == text(other, missing, 404)
        assert text(other, f"{draft}/history", 404) == text(other, f"{missing}/history", 404)
        assert DRAFT_NAME not in text(other, "/catalog/?kind=implementation")
    assert DRAFT_NAME not in text(city, "/tenants/230124")

    with db.for_tenant("230124") as uow:  # renamed as the standard requires, then submitted
        definitions.save_draft(uow, admin("230124"), implementation(), schemas)
    with db.for_tenant("230124") as uow:
        definitions.submit(uow, admin("230124"), "implementation", MATTER_CODE, schemas)
    assert "已提交待审" in text(city, draft)  # the reviewing parent opens it
    assert "共 1 项" in text(city, "/catalog/?kind=implementation")  # but lists only 依兰县's
    for other in (province, sibling):
        assert text(other, draft, 404) == text(other, missing, 404)
