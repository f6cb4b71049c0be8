/** The one way the front end talks to the server: POST /graphql with the session cookie and
 * the CSRF token (no second login, no CORS). Errors come back as ApiError with the server's
 * stable code, its Chinese message and its extensions (problems, reason…). */
import { boot } from "./boot";

export interface ServerProblem {
  code: string;
  pointer: string;
  message: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly code: string;
  readonly extensions: Record<string, unknown>;
  readonly status: number;

  constructor(message: string, code: string, extensions: Record<string, unknown> = {}, status = 200) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.extensions = extensions;
    this.status = status;
  }

  /** The problems a refused definition command lists (extensions.problems). */
  get problems(): ServerProblem[] {
    const found = this.extensions.problems ?? this.extensions.violations;
    return Array.isArray(found) ? (found as ServerProblem[]) : [];
  }
}

interface GraphQLErrorBody {
  message: string;
  extensions?: Record<string, unknown>;
}

export const GRAPHQL_URL = "/graphql";

export async function gql<T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
  init: { signal?: AbortSignal } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_URL, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": boot().csrfToken,
      },
      body: JSON.stringify({ query, variables }),
      signal: init.signal,
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError("无法连接服务器，请检查网络后重试", "NETWORK");
  }
  if (response.status === 401) {
    window.location.assign(`/login/?next=${encodeURIComponent(window.location.pathname)}`);
    throw new ApiError("登录已过期，请重新登录", "UNAUTHENTICATED", {}, 401);
  }
  let body: { data?: T; errors?: GraphQLErrorBody[] };
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`服务器返回了无法识别的响应 (HTTP ${response.status})`, "BAD_RESPONSE", {}, response.status);
  }
  if (body.errors?.length) {
    const first = body.errors[0];
    const extensions = first.extensions ?? {};
    throw new ApiError(first.message, String(extensions.code ?? "ERROR"), extensions, response.status);
  }
  if (!body.data) throw new ApiError("服务器没有返回数据", "BAD_RESPONSE", {}, response.status);
  return body.data;
}
