"""Every error's words, Chinese and English, in one place, keyed by the error's ``reason``.

Templates are ``str.format`` templates over the error's ``data``; ``{field!n}`` shows a
stable word (a kind, a status, a role; or a list of them) in the reader's language (``NOUNS``). Adapters render them in
the reader's language (``render(reason, data, "en")``); ``docs/api.md`` lists every reason
(a test checks that the classes, this catalogue and the docs agree).
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

# reason → (Chinese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # generic: a free text, for conditions that have no class of their own yet
    "INVALID_INPUT": ("{detail}", "{detail}"),
    "FORBIDDEN": ("{detail}", "{detail}"),
    "CONFLICT": ("{detail}", "{detail}"),
    "INVALID_STATE": ("{detail}", "{detail}"),
    "AUDIT_CHAIN_BROKEN": ("{detail}", "{detail}"),
    "TENANT_SCOPE_REQUIRED": (
        "访问单位数据的{operation!n}没有指定单位范围",
        "a tenant-scoped {operation!n} ran without a tenant scope",
    ),
    "OTHER_TENANTS_ROW": ("{entity} 属于其他单位，不能写入", "{entity} belongs to another tenant"),
    "ROW_REFUSED": (
        "数据库拒绝访问其他单位的数据",
        "row-level security refused a row of another tenant",
    ),
    "NOT_FOUND": ("{kind!n} {key} 不存在", "{kind!n} {key} not found"),
    "INVALID_DEFINITION": ("{summary}\n{problems}", "{summary}\n{problems}"),
    # definitions and documents with violations (core/definition_errors.py)
    "DEFINITION_NOT_SUBMITTABLE": (
        "{kind!n} {matter} v{version} 有 {count} 处问题，不能提交\n{problems}",
        "{kind!n} {matter} v{version} cannot be submitted: {count} problem(s)\n{problems}",
    ),
    "DEFINITION_NOT_PUBLISHABLE": (
        "{kind!n} {matter} v{version} 有 {count} 处问题，不能发布\n{problems}",
        "{kind!n} {matter} v{version} cannot be published: {count} problem(s)\n{problems}",
    ),
    "API_KEY_REFUSED": (
        "不能创建 API 密钥：{count} 处问题\n{problems}",
        "cannot create the API key: {count} problem(s)\n{problems}",
    ),
    "TREE_INVALID": (
        "{directory}：{count} 处问题，未载入任何内容\n{problems}",
        "{directory}: {count} problem(s); nothing loaded\n{problems}",
    ),
    "LOADED_MATTER_INVALID": (
        "{tenant} {kind!n} {matter}：{count} 处问题\n{problems}",
        "{tenant} {kind!n} {matter}: {count} problem(s)\n{problems}",
    ),
    "SHARED_SCHEMAS_INVALID": (
        "共享模式有 {count} 处问题\n{problems}",
        "the shared schemas have {count} problem(s)\n{problems}",
    ),
    "FORM_SCHEMA_INVALID": (
        "表单定义有 {count} 处问题\n{problems}",
        "the form schema has {count} problem(s)\n{problems}",
    ),
    "SCHEMA_FILES_INVALID": (
        "{directory}：模式文件有 {count} 处问题\n{problems}",
        "{directory}: the schema files have {count} problem(s)\n{problems}",
    ),
    "ARRANGEMENT_INVALID": (
        "放假安排有 {count} 处问题，未载入\n{problems}",
        "the holiday arrangement has {count} problem(s); it is not loaded\n{problems}",
    ),
    "PAGE_SIZE_INVALID": ("分页大小无效\n{problems}", "invalid page size\n{problems}"),
    # definitions: drafts, review, publication (services/definitions.py, services/errors.py)
    "DRAFT_CONFLICT": (
        "{kind!n} {matter} v{version} 的草稿已被 {updatedBy} 修改，请重新载入后再保存",
        "someone else ({updatedBy}) saved {kind!n} {matter} v{version} meanwhile: reload it",
    ),
    "UNDER_REVIEW": (
        "{kind!n} {matter} v{version} 正在审核中，不能修改",
        "{kind!n} {matter} v{version} is under review and cannot be changed",
    ),
    "NOTHING_PUBLISHED": (
        "{kind!n} {matter} 尚无已发布版本，无从开始修改",
        "{kind!n} {matter} has no published version to start from",
    ),
    "UNPUBLISHED_VERSION_EXISTS": (
        "{kind!n} {matter} 已有未发布的 v{version}（{status!n}）",
        "{kind!n} {matter} already has an unpublished v{version} ({status!n})",
    ),
    "VERSION_NOT_READY": (
        "{kind!n} {matter} 不能{action!n}：最新版本为{status!n}，须为{needs!n}",
        "cannot {action!n} {kind!n} {matter}: the latest version is {status!n}, not {needs!n}",
    ),
    "ALREADY_IMPLEMENTED": (
        "本单位已有事项 {matter} 的实施清单，请在原清单上修改",
        "this tenant already implements {matter}: edit its implementation",
    ),
    "REVIEW_NOT_DIRECT_PARENT": (
        "只能审核直接下级单位提交的事项：{subject} 不是 {reviewer} 的直接下级",
        "only the direct parent reviews: {subject} is not directly below {reviewer}",
    ),
    "REVIEW_BY_CHILD": (
        "下级单位不能审核上级单位的事项：{reviewer} 是 {subject} 的下级",
        "a child cannot review its parent: {reviewer} is below {subject}",
    ),
    "REVIEW_NOT_SUBORDINATE": (
        "只能审核下级单位提交的事项：{subject} 不是 {reviewer} 的下级",
        "{subject} is not a subordinate tenant of {reviewer}",
    ),
    "TREE_CONFLICT": (
        "{directory}：配置与数据库冲突，未载入任何内容：{problem}",
        "{directory}: nothing loaded; the tree conflicts with the database: {problem}",
    ),
    # bearer tokens for people (services/tokens.py): the 401's extensions.reason
    "TOKEN_INVALID": ("令牌无效", "invalid token"),
    "TOKEN_EXPIRED": ("令牌已过期，请重新获取", "the token expired: get a new one"),
    "TOKEN_REVOKED": (
        "令牌已吊销：密码已修改、账号已停用或已不属于原单位",
        "the token was revoked: the password changed, the login was deactivated or it left "
        "its tenant",
    ),
    # who may act (services/actors.py, services/calendars.py)
    "NOT_A_MEMBER": (
        "用户 {username} 不属于单位 {tenant}",
        "user {username} does not belong to tenant {tenant}",
    ),
    "ROLE_REQUIRED": (
        "用户 {username} 没有{role!n}（{role}）角色",
        "user {username} does not have the role {role!n} ({role})",
    ),
    "PLATFORM_ADMIN_ONLY": (
        "{username} 不能载入放假安排：仅国家级平台管理员可以",
        "{username} cannot load official arrangements: only the platform administrator can",
    ),
    # the flow engine (core/cases/engine_errors.py)
    "FLOW_ERROR": ("{detail}", "{detail}"),
    "FLOW_STATE_INVALID": (
        "流程状态无效：{field} 须为{expected!n}",
        "flow state: {field} must be {expected!n}",
    ),
    "FLOW_HAS_CYCLE": ("流程有环，无法运行", "the flow has a cycle: it cannot be run"),
    "FLOW_WITHOUT_START": ("流程没有开始节点", "the flow has no start node"),
    "FLOW_JOIN_SPLIT_NOT_PARALLEL": (
        "汇合节点 {node} 对应的 {split} 不是并行节点",
        "node {node}: its split {split} is not a parallel node",
    ),
    "FLOW_SPLIT_JOINED_TWICE": (
        "汇合节点 {node}：并行节点 {split} 已有汇合节点",
        "node {node}: split {split} already has a join",
    ),
    "FLOW_JOIN_MIN_OUT_OF_RANGE": (
        "汇合节点 {node} 的 min {min} 不在 1 到 {branches} 之间",
        "node {node}: min {min} is not between 1 and {branches}",
    ),
    "FLOW_SPLIT_WITHOUT_JOIN": (
        "并行节点 {node} 没有对应的汇合节点",
        "node {node}: no join names this parallel split",
    ),
    "FLOW_NOT_ONE_OUTGOING_EDGE": (
        "节点 {node} 有 {count} 条出边，应只有一条",
        "node {node} has {count} outgoing edges where one was expected",
    ),
    "FLOW_REACHED_WHILE_WAITING": (
        "节点 {node} 已在等待中，又从 {source} 到达：并行分支须在汇合节点汇合",
        "node {node}: reached from {source} while already waiting "
        "(parallel branches must meet at their join)",
    ),
    "FLOW_UNKNOWN_NODE_KIND": (
        "节点 {node} 的类型 {kind} 未知",
        "node {node}: unknown kind {kind}",
    ),
    "FLOW_END_WHILE_WAITING": (
        "到达结束节点 {node} 时 {waiting!n} 仍在等待",
        "node {node}: reached while {waiting!n} still wait",
    ),
    "FLOW_CONDITION_UNPARSED": (
        "节点 {node}：连线 {edge} 的条件无法解析：{problem}",
        "node {node}: the condition of edge {edge} does not parse: {problem}",
    ),
    "FLOW_NO_ROUTE": (
        "节点 {node}：没有条件成立，也没有默认连线",
        "node {node}: no condition matched and no default edge",
    ),
    "FLOW_BRANCH_ARRIVED_TWICE": (
        "汇合节点 {node}：经 {source} 的分支到达了两次",
        "node {node}: the branch through {source} arrived twice",
    ),
    "FLOW_BRANCH_CANNOT_ARRIVE": (
        "汇合节点 {node}：从 {source} 出发的分支都已无法到达",
        "node {node}: no branch from {source} can still arrive",
    ),
    "FLOW_NODE_NOT_WAITING": ("节点 {node} 不在等待中", "node {node} is not waiting"),
    "FLOW_UNKNOWN_NODE": ("{node} 不是本流程的节点", "node {node} is not a node of this flow"),
    "FLOW_UNKNOWN_OUTCOME": (
        "节点 {node}：办理结果 {outcome} 既不是通过也不是不通过",
        "node {node}: outcome {outcome} is neither pass nor deny",
    ),
    "FLOW_RETURN_TARGET_NOT_TASK": (
        "{node} 不是本流程的办理环节：只能退回到办理环节",
        "node {node} is not a task node of this flow: a case returns to a task",
    ),
    "FLOW_RETURN_NOTHING_WAITING": (
        "不能退回到 {node}：没有正在等待的环节",
        "node {node} cannot be returned to: nothing is waiting",
    ),
    "FLOW_RETURN_TO_WAITING": (
        "{node} 正在等待办理：请退回到更早的环节",
        "node {node} is waiting now: return to an earlier step",
    ),
    "FLOW_RETURN_NOT_EARLIER": (
        "{node} 不是正在等待的 {waiting!n} 之前的环节",
        "node {node} is not an earlier step of waiting {waiting!n}",
    ),
    # working days and the clock (core/cases/workdays.py, core/cases/clock.py)
    "YEAR_OUT_OF_RANGE": (
        "年份 {year} 超出范围 {first}–{last}",
        "year {year} is out of range {first}–{last}",
    ),
    "CALENDAR_MISSING": (
        "{year} 年没有工作日历：国家节假日数据始于 {first} 年，单位 {tenant_code} 也未载入该年的放假安排",
        "no working-day calendar for {year}: the national data starts at {first} "
        "and tenant {tenant_code} has no arrangement for {year}",
    ),
    "CALENDAR_DAY_TWICE": (
        "单位 {tenant_code} 把 {days!n} 同时列为节假日和工作日",
        "tenant {tenant_code} lists {days!n} both as holiday and as workday",
    ),
    "CALENDAR_ENTRY_KIND": (
        "单位 {tenant_code} 的日历条目 {day} 的类型 {kind} 无效，应为 holiday 或 workday",
        "calendar entry {day} of tenant {tenant_code} has kind {kind}; expected holiday or workday",
    ),
    "PAUSE_KIND_UNKNOWN": (
        "暂停计时的类型 {kind} 无效，应为 {known!n} 之一",
        "pause kind {kind}: expected one of {known!n}",
    ),
    "PAUSE_ENDS_BEFORE_START": (
        "暂停计时的结束日 {ended} 早于开始日 {started}",
        "the pause ends {ended}, before it starts {started}",
    ),
    "NEGATIVE_DAYS": (
        "{field!n}不能为负数（{days}）",
        "{field!n} must be 0 or more (got {days})",
    ),
    # the installation (bootstrap.py, adapters/documents/pdf.py, core/documents.py)
    "DATABASE_MISSING": (
        "没有通办数据库：{database}（{problem!n}{error}）。"
        "请先运行 `tongban db upgrade` 建库，或运行 `tongban load tenants` 建库并载入配置"
        "（TONGBAN_DATABASE_URL 或嵌入式 SQLite 的 TONGBAN_VAR_DIR 指明位置）",
        "no Tongban database at {database} ({problem!n}{error}): make one with "
        "`tongban db upgrade`, or with `tongban load tenants`, which also loads a configuration "
        "tree (TONGBAN_DATABASE_URL, or TONGBAN_VAR_DIR for the embedded SQLite, says where)",
    ),
    "FONT_MISSING": (
        "找不到中文字体 {path}：请安装 Debian 软件包 {package}"
        "（sudo apt-get install {package}，或运行 scripts/system-deps.sh），"
        "或将 TONGBAN_CJK_FONT 指向含中文字形的 TrueType/TTC 字体",
        "CJK font not found: {path} — install the Debian package {package} "
        "(sudo apt-get install {package}, or scripts/system-deps.sh) or point "
        "TONGBAN_CJK_FONT at a TrueType/TTC font with Chinese glyphs",
    ),
    "FONT_UNUSABLE": (
        "无法使用 {path} 作为中文字体：{problem}",
        "cannot use {path} as the CJK font: {problem}",
    ),
    # webhook subscriptions (services/webhook_errors.py)
    "INVALID_WEBHOOK": ("{detail}", "{detail}"),
    "WEBHOOK_URL_REQUIRED": ("请填写回调网址", "a webhook URL is required"),
    "WEBHOOK_URL_TOO_LONG": (
        "回调网址最长 {max_chars} 个字符",
        "the webhook URL must be at most {max_chars} characters",
    ),
    "WEBHOOK_URL_CHARACTERS": (
        "回调网址不能含空格、换行等空白或控制字符，也不能含反斜杠：{url}",
        "the webhook URL must not contain spaces, CR/LF, control characters or '\\': {url}",
    ),
    "WEBHOOK_URL_NOT_ASCII": (
        "回调网址只能含 ASCII 字符：中文域名请用 punycode，路径请百分号编码：{url}",
        "the webhook URL must be ASCII (punycode the host, percent-encode the path): {url}",
    ),
    "WEBHOOK_URL_SCHEME": (
        "回调网址须以 http:// 或 https:// 开头并带主机：{url}",
        "the webhook URL must be http:// or https:// with a host: {url}",
    ),
    "WEBHOOK_URL_CREDENTIALS": (
        "回调网址不能含用户名或密码：{url}",
        "the webhook URL must not contain credentials: {url}",
    ),
    "WEBHOOK_HOST_INVALID": (
        "回调网址的主机无效：{host}",
        "the webhook URL has an invalid host: {host}",
    ),
    "WEBHOOK_HOST_OR_PORT": (
        "回调网址的主机或端口无效：{url}",
        "the webhook URL has an invalid host or port: {url}",
    ),
    "WEBHOOK_ADDRESS_INVALID": (
        "回调网址的 {version} 地址无效：{host}",
        "invalid {version} address in the webhook URL: {host}",
    ),
    "WEBHOOK_TARGET_LOCAL": (
        "目标地址不允许：{host} 是本机",
        "target address not allowed: {host} is this machine",
    ),
    "WEBHOOK_TARGET_NOT_ALLOWED": (
        "目标地址不允许：{shown} 是{address_class!n}；内网回调须由部署方加入 TONGBAN_WEBHOOK_ALLOW",
        "target address not allowed: {shown} is {address_class!n}; an intranet target must be "
        "listed in TONGBAN_WEBHOOK_ALLOW",
    ),
    # sealing (core/seal_errors.py) and the SM2 adapter (adapters/crypto/errors.py)
    "SEAL_FAILED": ("无法签章：{problem}", "cannot seal: {problem}"),
    "SEAL_FLOAT": ("浮点数不能签章：{pointer}", "floats cannot be sealed: {pointer}"),
    "SEAL_OBJECT_KEY_NOT_STRING": (
        "JSON 对象的键须为字符串：{pointer} 处为 {key}",
        "JSON object keys must be strings: {key} at {pointer}",
    ),
    "SEAL_NOT_JSON": (
        "{pointer} 处的 {type_name} 不是 JSON 数据，不能签章",
        "{type_name} at {pointer} is not JSON data and cannot be sealed",
    ),
    "SEAL_LONE_SURROGATE": (
        "字符串含孤立代理字符，不是有效的 Unicode，不能签章",
        "a string holds a lone surrogate: it is not valid Unicode and cannot be sealed",
    ),
    "SEAL_DOCUMENT_NOT_OBJECT": (
        "办理结果文书须为 JSON 对象",
        "a result document must be a JSON object",
    ),
    "SEAL_TIME_NAIVE": ("签章时间须带时区", "seal times must be timezone-aware"),
    "SEAL_KEY_ID_MISSING": ("印章密钥缺少 key_id", "a seal key needs a key_id"),
    "SEAL_KEY_PUBLIC_HEX": (
        "印章密钥 {key_id} 的 public_key_hex 须为 128 位小写十六进制（x‖y）",
        "seal key {key_id}: public_key_hex must be 128 lowercase hex characters (x‖y)",
    ),
    "SEAL_KEY_TIME_NAIVE": (
        "印章密钥 {key_id} 的 {field} 须带时区",
        "seal key {key_id}: {field} must be timezone-aware",
    ),
    "SEAL_KEY_NOT_OBJECT": ("印章密钥须为 JSON 对象", "a seal key must be a JSON object"),
    "SEAL_KEY_UNKNOWN_FIELDS": (
        "印章密钥含未知字段：{fields!n}",
        "the seal key has unknown fields: {fields!n}",
    ),
    "SEAL_KEY_FIELD_NOT_STRING": (
        "印章密钥的字段 {field} 须为字符串",
        "seal key field {field} must be a string",
    ),
    "SEAL_KEY_TIME_INVALID": (
        "印章密钥 {key_id} 的时间无效：{problem}",
        "seal key {key_id} has an invalid time: {problem}",
    ),
    "SEAL_KEYS_FILE_UNREADABLE": (
        "无法读取印章公钥文件 {path}：{problem}",
        "cannot read the seal keys file {path}: {problem}",
    ),
    "SEAL_KEYS_FILE_NOT_LIST": (
        "印章公钥文件 {path} 须为 JSON 列表",
        "the seal keys file {path} must be a JSON list",
    ),
    "SEAL_KEY_TWICE": ("印章密钥 {key_id} 出现了两次", "seal key id {key_id} appears twice"),
    "SEAL_KEY_UNUSABLE": (
        "印章密钥 {key_id} 当前不可用：{problem}",
        "seal key {key_id} is not usable now: {problem}",
    ),
    "SEAL_DEPARTMENT_MISMATCH": (
        "文书决定机关 {document_department} 与印章所属单位 {key_department} 不一致",
        "the document's department {document_department} is not the seal key's "
        "department {key_department}",
    ),
    "SEAL_INVALID_AFTER_SEALING": (
        "签章结果未通过验证：{problems!n}",
        "sealing produced an invalid seal: {problems!n}",
    ),
    "PDF_RENDERER_MISSING": (
        "未配置办理结果文书的 PDF 生成器",
        "no PDF renderer is configured for result documents",
    ),
    "UNSAFE_RESULT_NAME": (
        "办理结果文件名 {name} 不安全",
        "unsafe result file name {name}",
    ),
    "SEAL_BOX_KEY_LENGTH": ("印章私钥加密密钥须为 32 字节", "the seal box key must be 32 bytes"),
    "SM2_PRIVATE_KEY_FORMAT": (
        "SM2 私钥须为 64 位小写十六进制",
        "an SM2 private key must be 64 lowercase hex characters",
    ),
    "SM2_PRIVATE_KEY_RANGE": (
        "SM2 私钥超出范围 [1, n-2]",
        "the SM2 private key is out of range [1, n-2]",
    ),
    "SM2_DERIVATION_FAILED": ("SM2 公钥推导失败", "SM2 key derivation failed"),
    "SM2_NOT_PUBLIC_KEY": ("不是 SM2 公钥", "not an SM2 public key"),
    "SM2_SPKI_FORMAT": (
        "不是未压缩的 SM2 SubjectPublicKeyInfo",
        "not an uncompressed SM2 SubjectPublicKeyInfo",
    ),
    "SM2_NOT_ON_CURVE": ("SM2 公钥不在曲线上", "the SM2 public key is not on the curve"),
    "SM2_KEY_MISMATCH": (
        "SM2 私钥与公钥不匹配",
        "the SM2 private key does not match the public key",
    ),
    "SM2_SIGNING_FAILED": ("SM2 签名多次失败", "SM2 signing failed repeatedly"),
    "STORED_KEY_FORMAT": (
        "印章密钥 {key_id} 存储的私钥格式不是 {prefix}",
        "seal key {key_id}: the stored private key is not in {prefix} format",
    ),
    "STORED_KEY_UNREADABLE": (
        "印章密钥 {key_id} 的私钥无法解密：TONGBAN_SEAL_KEY 有误，或存储的值被改动或属于另一把密钥",
        "seal key {key_id}: cannot decrypt the private key — wrong TONGBAN_SEAL_KEY, or the "
        "stored value was altered or belongs to another key",
    ),
    "STORED_KEY_LENGTH": (
        "印章密钥 {key_id} 解密出的私钥长度不对",
        "seal key {key_id}: the decrypted private key has the wrong length",
    ),
    "META_SCHEMA_MISSING": (
        "模式目录缺少元模式：{missing!n}",
        "meta-schema(s) missing from the schema directory: {missing!n}",
    ),
    # webhooks (services/webhooks/subscriptions.py)
    "WEBHOOK_EVENT_COUNT": (
        "事件类型：请给出 1 到 {most} 个事件类型，或 '*'",
        "events: give 1 to {most} event kinds, or '*'",
    ),
    "WEBHOOK_EVENT_UNKNOWN": (
        "事件类型：没有这种事件类型 {unknown!n}；可用的有 {known!n} 或 '*'",
        "events: unknown event kind {unknown!n}; the kinds are {known!n} or '*'",
    ),
    # cases (core/cases/errors.py)
    "CASE_TRANSITION_REFUSED": (
        "办件 {number} 状态为 {status}，不能转为 {to}",
        "case {number} is {status}: it cannot become {to}",
    ),
    "CASE_ENDED": ("办件 {number} 已{label}", "case {number} is {status}"),
    "CASE_PAUSED": (
        "办件 {number} 处于 {status}，计时暂停中，不能办理",
        "case {number} is {status}: the clock is paused",
    ),
    "PAUSE_ALREADY_OPEN": ("办件 {number} 已在暂停计时中", "case {number} is already paused"),
    "NO_PAUSE_TO_END": (
        "办件 {number} 状态为 {status}，没有进行中的暂停",
        "case {number} is {status}: no pause to end",
    ),
    "NOT_SUPPLEMENTING": (
        "办件 {number} 未在补正中",
        "case {number}: no supplement was requested",
    ),
    "NOT_IN_SPECIAL_PROCEDURE": (
        "办件 {number} 未在特别程序中",
        "case {number} is not in a special procedure",
    ),
    "NO_COMMITMENT_TO_VERIFY": (
        "办件 {number} 没有待核查的告知承诺",
        "case {number} has no commitment to verify",
    ),
    "TASK_NOT_OPEN": ("环节 {node_id} 已{status}", "step {node_id} is {status}"),
    "STEP_NOT_OPEN": (
        "办件 {number} 的环节 {node_id} 不在办理中",
        "case {number}: step {node_id} is not open (already completed or not reached)",
    ),
    "NO_OPEN_STEP": (
        "办件 {number} 当前没有待办的 {step} 环节",
        "case {number} has no open {step} step (status {status})",
    ),
    "NOT_A_HUMAN_STEP": ("环节 {node_id} 不是人工环节", "node {node_id} is a {kind} node"),
    "STEP_HAS_OWN_COMMAND": (
        "环节 {node_id} 是 {step} 环节，请使用 {command}",
        "step {node_id} is a {step} step: use {command}",
    ),
    "CANNOT_RETURN_TO_INTAKE": (
        "不能退回到{label}环节：材料不全请使用补正，不予受理请使用 rejectCase",
        "a case cannot be returned to {step}; request a supplement or reject it instead",
    ),
    "NOT_AN_EXTERNAL_STEP": ("环节 {node_id} 不是外部系统环节", "node {node_id} is not external"),
    "NOT_HANDLING_TENANT": (
        "{username} 不属于办理单位 {tenant}",
        "{username} is not of the handling tenant {tenant}",
    ),
    "WRONG_ROLE": (
        "{username} 没有环节 {node_id} 所需的 {role} 角色",
        "{username} lacks the role {role} that step {node_id} requires",
    ),
    "WRONG_DEPARTMENT": (
        "{username} 不属于环节 {node_id} 的办理部门 {department}",
        "{username} is not of department {department}, which step {node_id} belongs to",
    ),
    "NOT_APPLICANT_OR_CLERK": (
        "{username} 不能代申请人办理",
        "{username} is neither the applicant nor a clerk of the handling tenant",
    ),
    "NO_WORKABLE_STEP": (
        "办件 {number} 没有可办理的环节",
        "case {number} has no step you may work on",
    ),
    "CANNOT_PUSH_EXTERNAL": (
        "{username} 不能为本单位推送外部结果",
        "{username} may not push external results for this tenant",
    ),
    "CANNOT_VERIFY_COMMITMENT": (
        "{username} 不能核查本单位的告知承诺",
        "{username} may not verify this tenant's commitments",
    ),
    "CASE_CHANGED_MEANWHILE": (
        "办件 {number} 已被他人同时修改，请刷新后重试",
        "case {number} was changed meanwhile: reload and try again",
    ),
    "CASE_ROWS_NOT_WRITABLE": (
        "不能在此写入单位 {tenant_id} 的办件数据",
        "case rows of tenant {tenant_id} cannot be written here",
    ),
    "IDEMPOTENCY_KEY_REUSED": (
        "幂等键 {idempotencyKey} 已用于另一份不同的申请（办件 {case}），请换用新的幂等键",
        "idempotency key {idempotencyKey} was already used for a different application "
        "(case {case}); use a new key",
    ),
    "NO_ESCALATION_TARGET": (
        "环节 {node_id}：{tenant} 没有{level}级上级单位，无法上报",
        "node {node_id}: {tenant} has no {level} ancestor",
    ),
    "ESCALATION_TARGET_UNPUBLISHED": (
        "环节 {node_id}：{target_name}({target}) 尚未发布 {matter} 的实施清单，无法上报",
        "node {node_id}: {target} has no published implementation of {matter} to receive "
        "the escalation",
    ),
    "LINKED_CASE_MISSING": (
        "办件 {number} 的关联办件已不存在，无法交回办理结果",
        "the case that case {number} answers is missing",
    ),
    "LINKED_CASE_NOT_WAITING": (
        "办件 {waiting} 不在环节 {node_id} 等待办件 {number} 的结果，无法交回",
        "case {waiting} is not waiting at {node_id} for the answer of case {number}",
    ),
    "NO_SEALED_OPINION": (
        "办件 {number} 上报的终审办件未留存加盖电子印章的审核签批意见，无法据此出具决定书",
        "case {number}: the final level kept no sealed opinion to issue the decision on",
    ),
    "CASE_CHAIN_BROKEN": (
        "办件 {case} 的审计链校验失败，暂停办理，请联系监察人员：{problem}",
        "case {case}: its audit chain does not verify; it takes no command: {problem}",
    ),
    "NOT_CONCLUDED_YET": ("办件 {number} 尚未办结，不能评价", "case {number} has not ended yet"),
    "ALREADY_RATED": ("办件 {number} 已评价（一事一评）", "case {number} is already rated"),
    "NO_RATING_FOLLOWUP": (
        "办件 {number} 没有待回访的差评",
        "case {number} has no bad rating awaiting a follow-up",
    ),
    "CANNOT_ANSWER_RATING": (
        "{username} 不能回复本单位的差评",
        "{username} may not answer this tenant's ratings",
    ),
    "CANNOT_ANSWER_COMPLAINT": (
        "{username} 不能答复本单位的投诉",
        "{username} may not answer this tenant's complaints",
    ),
    "NOT_OWN_ALERT": (
        "只能处置本单位的监察预警（预警 {alert_id}）",
        "only the handling tenant resolves alert {alert_id}",
    ),
    "APPLICATION_INVALID": (
        "申请材料或表单有误：{count} 处问题\n{problems}",
        "the application has {count} problem(s)\n{problems}",
    ),
    "SUPPLEMENT_LIST_INVALID": (
        "办件 {number} 的补正清单有误：{count} 处问题\n{problems}",
        "case {number}: the supplement list has {count} problem(s)\n{problems}",
    ),
    "SUPPLEMENT_INCOMPLETE": (
        "办件 {number} 的补正未完成：{count} 处问题\n{problems}",
        "case {number}: the supplement is incomplete, {count} problem(s)\n{problems}",
    ),
    "CASE_INPUT_INVALID": ("{count} 处问题\n{problems}", "{count} problem(s)\n{problems}"),
    "PINNED_VERSION_UNRUNNABLE": (
        "事项 {matter} 第 {version} 版无法运行：{count} 处问题\n{problems}",
        "{matter} v{version} cannot run: {count} problem(s)\n{problems}",
    ),
}


NOUNS: dict[str, tuple[str, str]] = {
    # what an error names by a stable word (a kind, a status, an action), in each language
    "tenant": ("单位", "tenant"),
    "user": ("用户", "user"),
    "standard": ("事项标准", "standard"),
    "implementation": ("实施清单", "implementation"),
    "matter": ("事项", "matter"),
    "standard version": ("事项标准版本", "standard version"),
    "implementation version": ("实施清单版本", "implementation version"),
    "api key": ("API 密钥", "API key"),
    "case": ("办件", "case"),
    "alert": ("预警", "alert"),
    "complaint": ("投诉", "complaint"),
    "department": ("部门", "department"),
    "result": ("办理结果", "result"),
    "webhook subscription": ("回调订阅", "webhook subscription"),
    "draft": ("草稿", "draft"),
    "returned": ("已退回", "returned"),
    "submitted": ("已提交待审核", "submitted"),
    "reviewed": ("已审核待发布", "reviewed"),
    "published": ("已发布", "published"),
    "none": ("无", "none"),
    "submit": ("提交", "submit"),
    "review": ("审核", "review"),
    "publish": ("发布", "publish"),
    "admin": ("管理员", "admin"),
    "clerk": ("窗口人员", "clerk"),
    "reviewer": ("审查人员", "reviewer"),
    "approver": ("审批人员", "approver"),
    "supervisor": ("监察人员", "supervisor"),
    "promised_days": ("承诺办结时限", "promised_days"),
    "expected_days": ("预计所需工作日", "expected_days"),
    "days": ("天数", "days"),
    "unspecified": ("未指定地址", "unspecified"),
    "loopback": ("回环地址", "loopback"),
    "link-local": ("链路本地地址", "link-local"),
    "multicast": ("组播地址", "multicast"),
    "unique-local": ("唯一本地地址", "unique-local"),
    "site-local": ("站点本地地址", "site-local"),
    "shared, 100.64/10": ("运营商共享地址", "shared (100.64/10)"),
    "reserved": ("保留地址", "reserved"),
    "private": ("私有地址", "private"),
    "not public": ("非公网地址", "not public"),
    "cloud metadata": ("云元数据地址", "cloud metadata"),
    "object": ("对象", "an object"),
    "join_map": ("从汇合节点到节点列表的映射", "a map of join ids to lists of node ids"),
    "boolean": ("布尔值", "a boolean"),
    "node_id": ("节点标识", "a node id"),
    "node_id_list": ("节点标识列表", "a list of node ids"),
    "query": ("查询", "query"),
    "write": ("写入", "write"),
    "not_a_file": ("文件不存在", "the file does not exist"),
    "cannot_open": ("无法打开：", "cannot open it: "),
    "no_tables": ("库中没有通办的表", "it has no Tongban tables"),
}


class _Formatter(string.Formatter):
    """``str.format`` with ``{name!n}``: a stable word (or a list of them) in the language."""

    def __init__(self, english: bool) -> None:
        self.english = english

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        return kwargs.get(str(key), "")

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion != "n":
            return super().convert_field(value, conversion)
        if isinstance(value, list | tuple | set | frozenset):
            return (", " if self.english else "、").join(self._noun(v) for v in value)
        return self._noun(value)

    def _noun(self, value: Any) -> str:
        words = NOUNS.get(str(value))
        return str(value) if words is None else words[1 if self.english else 0]


LANGUAGES = ("zh", "en")


def reader_language(accept_language: str | None) -> str:
    """``en`` when an ``Accept-Language`` header prefers English to Chinese, else ``zh``."""
    best, best_q = "zh", 0.0
    for part in (accept_language or "").split(","):
        tag, *params = (piece.strip() for piece in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.lower().split("-")[0]
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


def render(reason: str, data: Mapping[str, Any], language: str = "zh") -> str:
    """The message for ``reason`` filled with ``data``; Chinese unless ``language`` is en."""
    zh, en = MESSAGES.get(reason, ("{detail}", "{detail}"))
    english = language.lower().startswith("en")
    return _Formatter(english).vformat(en if english else zh, (), data)
