/** Ant Design's icons (and a few of its controls) name themselves in English for screen readers
 * (`<span role="img" aria-label="close">`). An icon inside a control that already has a
 * name (its text or its own aria-label) is decoration: hidden from screen readers. Any other
 * icon gets its name in Chinese. Applied to everything rendered, as it is rendered. */

const CHINESE: Record<string, string> = {
  close: "关闭",
  "close-circle": "清除",
  down: "展开",
  up: "收起",
  left: "上一页",
  right: "下一页",
  plus: "添加",
  "plus-circle": "添加",
  minus: "减少",
  delete: "删除",
  edit: "编辑",
  search: "搜索",
  ellipsis: "更多",
  loading: "加载中",
  check: "已选",
  "check-circle": "成功",
  "exclamation-circle": "注意",
  "info-circle": "说明",
  "question-circle": "帮助",
  "arrow-up": "上移",
  "arrow-down": "下移",
  "arrow-left": "返回",
  holder: "拖动",
  lock: "已锁定",
  undo: "撤销",
  redo: "重做",
  calendar: "日历",
  "caret-down": "展开",
  "caret-up": "收起",
  filter: "筛选",
  eye: "查看",
  "eye-invisible": "隐藏",
  warning: "警告",
};

function named(control: Element, icon: Element): boolean {
  if (control.getAttribute("aria-label") || control.getAttribute("aria-labelledby")) return true;
  const text = (control.textContent ?? "").replace(icon.textContent ?? "", "").trim();
  return text.length > 0;
}

/** Other English labels antd writes itself (InputNumber's step handles, …). */
const ARIA: Record<string, string> = {
  "Increase Value": "增加",
  "Decrease Value": "减少",
  Close: "关闭",
  close: "关闭",
  Clear: "清除",
  "expanded dropdown": "更多标签页",
  "remove": "移除",
  "Add tab": "添加标签页",
};

function label(element: Element): void {
  if (element.getAttribute("role") === "img") {
    labelIcon(element);
    return;
  }
  const current = element.getAttribute("aria-label");
  if (current && ARIA[current]) element.setAttribute("aria-label", ARIA[current]);
}

export function labelIcon(icon: Element): void {
  const label = icon.getAttribute("aria-label");
  if (!label || /[\u4e00-\u9fff]/.test(label)) return;
  const control = icon.parentElement?.closest("button, a, [role=button], [role=tab], [role=menuitem], label");
  if (control && named(control, icon)) {
    icon.setAttribute("aria-hidden", "true");
    icon.removeAttribute("aria-label");
    return;
  }
  icon.setAttribute("aria-label", CHINESE[label] ?? CHINESE[label.replace(/-(outlined|filled|o)$/, "")] ?? "图标");
}

export function translateIconLabels(root: ParentNode & Node = document.body): MutationObserver {
  const sweep = (node: ParentNode) => node.querySelectorAll("[aria-label]").forEach(label);
  sweep(root);
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes" && record.target instanceof Element) {
        if (record.target.hasAttribute("aria-label")) label(record.target);
        continue;
      }
      record.addedNodes.forEach((node) => {
        if (!(node instanceof Element)) return;
        if (node.hasAttribute("aria-label")) label(node);
        sweep(node);
      });
    }
  });
  observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["aria-label"] });
  return observer;
}
