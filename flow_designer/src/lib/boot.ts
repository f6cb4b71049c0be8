/** What the Flask page hands the front end (adapters/web/frontend.py): who is logged in,
 * their tenant, and the CSRF token every POST carries. */
export interface BootUser {
  username: string;
  name: string;
  roles: string[];
  department: string | null;
}

export interface BootTenant {
  code: string;
  name: string;
  /** nation | province | city | county | township */
  level: string;
  levelLabel: string;
  parentCode: string | null;
}

export interface Boot {
  user: BootUser;
  tenant: BootTenant | null;
  platformAdmin: boolean;
  csrfToken: string;
  logoutUrl: string;
  classicUrl: string;
}

let cached: Boot | null = null;

export function boot(): Boot {
  if (cached) return cached;
  const element = document.getElementById("tongban-boot");
  if (!element?.textContent) throw new Error("页面缺少启动数据 (tongban-boot)");
  cached = JSON.parse(element.textContent) as Boot;
  return cached;
}

/** For tests: set the boot data without a page. */
export function setBoot(value: Boot): void {
  cached = value;
}

