/** Who did something, as a person reads it: a login name, or what the platform itself did. */
const SYSTEM: Record<string, string> = {
  "tongban load": "配置文件载入",
};

export function whoLabel(username: string | null | undefined): string {
  if (!username) return "—";
  return SYSTEM[username] ?? (username.startsWith("apikey:") ? `接口密钥 ${username.slice(7)}` : username);
}
