/** Check characters of the two national identifiers forms ask for, as the server checks
 * them (platform/tongban/core/codes.py: id_card_problem, uscc_problem). Each `…Problem`
 * returns why a value is refused (Chinese, for the applicant) or null when it is valid. */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";
const ID_SHAPE = /^[0-9]{17}[0-9Xx]$/;

/** 公民身份号码 (GB 11643-1999, ISO 7064 MOD 11-2). A lower-case `x` is accepted. */
export function idCardProblem(value: string): string | null {
  if (!ID_SHAPE.test(value)) return "公民身份号码应为17位数字加1位校验码";
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += Number(value[i]) * ID_WEIGHTS[i];
  const expected = ID_CHECK[total % 11];
  if (value[17].toUpperCase() !== expected) return "公民身份号码校验码错误";
  return null;
}

export const USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

function usccCheckChar(first17: string): string {
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += USCC_CHARSET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_CHARSET[(31 - (total % 31)) % 31];
}

function orgCodeCheckChar(first8: string): string {
  let total = 0;
  for (let i = 0; i < 8; i += 1) total += ORG_CHARSET.indexOf(first8[i]) * ORG_WEIGHTS[i];
  const r = 11 - (total % 11);
  return r === 10 ? "X" : r === 11 ? "0" : String(r);
}

/** 统一社会信用代码 (GB 32100-2015, MOD 31), with its embedded GB 11714 organisation code. */
export function usccProblem(value: string): string | null {
  const chars = Array.from(value);
  if (chars.length !== 18) return `统一社会信用代码应为18位（当前${chars.length}位）`;
  const bad = [...new Set(chars.filter((c) => !USCC_CHARSET.includes(c)))].sort();
  if (bad.length > 0) return `统一社会信用代码含非法字符 ${bad.join("")}`;
  if (!/^[0-9]{6}$/.test(value.slice(2, 8))) {
    return "统一社会信用代码第3–8位应为登记管理机关行政区划码";
  }
  if (value[17] !== usccCheckChar(value.slice(0, 17))) return "统一社会信用代码校验位错误";
  if (orgCodeCheckChar(value.slice(8, 16)) !== value[16]) {
    return "统一社会信用代码中的组织机构代码校验位错误";
  }
  return null;
}

export const isValidIdCard = (value: string): boolean => idCardProblem(value) === null;
export const isValidUscc = (value: string): boolean => usccProblem(value) === null;
