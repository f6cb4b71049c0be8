/** Chinese labels of the coded values of a matter (as platform/tongban/core/matters.py). */
export const MATTER_TYPES: Record<string, string> = {
  "00": "行政权力事项",
  "01": "行政许可",
  "02": "行政处罚",
  "03": "行政强制",
  "04": "行政征收",
  "05": "行政给付",
  "06": "行政检查",
  "07": "行政确认",
  "08": "行政奖励",
  "09": "行政裁决",
  "10": "其他行政权力",
  "20": "公共服务事项",
};

export const POWER_SOURCES: Record<string, string> = {
  "1": "法定本级行使",
  "2": "上级下放",
  "3": "上级授权",
  "4": "同级授权",
  "5": "上级委托",
  "6": "同级委托",
};

export const SERVICE_OBJECTS: Record<string, string> = {
  "1": "自然人",
  "2": "企业法人",
  "3": "事业法人",
  "4": "社会组织法人",
  "5": "行政机关",
  "6": "其他组织",
};

export const MATERIAL_SOURCES: Record<string, string> = {
  applicant: "申请人自备",
  government: "政府部门核发",
  intermediary: "中介机构出具",
  other: "其他",
};

export const LEVEL_LABELS: Record<string, string> = {
  nation: "国家级",
  province: "省级",
  city: "市级",
  county: "县级",
  township: "乡级",
};

export const KIND_LABELS: Record<string, string> = {
  STANDARD: "标准事项",
  IMPLEMENTATION: "实施清单",
  standard: "标准事项",
  implementation: "实施清单",
};

export const STATUS_LABELS: Record<string, { label: string; color: string }> = {
  DRAFT: { label: "草稿", color: "default" },
  SUBMITTED: { label: "待审核", color: "processing" },
  REVIEWED: { label: "审核通过待发布", color: "cyan" },
  RETURNED: { label: "已退回", color: "error" },
  PUBLISHED: { label: "已发布", color: "success" },
};

export const GUIDE_FIELD_LABELS: Record<string, string> = {
  address: "办理地点",
  hours: "办理时间",
  phone: "咨询电话",
  complaint_phone: "监督投诉电话",
  online_url: "网办地址",
};

export const DIFF_SECTION_LABELS: Record<string, string> = {
  basic: "基本信息",
  materials: "申请材料",
  limits: "办结时限",
  fees: "收费",
  guide: "办事指南",
  form: "表单字段",
  flow: "流程环节",
};

export const CHANGE_LABELS: Record<string, { label: string; color: string }> = {
  ADDED: { label: "新增", color: "green" },
  REMOVED: { label: "删除", color: "red" },
  CHANGED: { label: "修改", color: "orange" },
};

export const VERDICT_LABELS = { authenticity: "真实性", legality: "合法性", rationality: "合理性" } as const;
export type VerdictKey = keyof typeof VERDICT_LABELS;
export const VERDICT_KEYS: VerdictKey[] = ["authenticity", "legality", "rationality"];

/** 县级初审、市级终审 — or 县级审批 when decided where received. */
export function approvalChainLabel(chain: unknown): string {
  if (typeof chain !== "string" || !chain) return "暂无";
  const match = /^([a-z]+)-initial\/([a-z]+)-final$/.exec(chain);
  if (match) return `${LEVEL_LABELS[match[1]] ?? match[1]}初审、${LEVEL_LABELS[match[2]] ?? match[2]}终审`;
  return `${LEVEL_LABELS[chain] ?? chain}审批`;
}
