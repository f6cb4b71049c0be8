import { describe, expect, it } from "vitest";
import type { MatterDocument } from "../lib/types";
import { emptyStandard, moveItem, nextCode, serialise, setGuideField, setLimit, setMaterialField, setTop, updateMaterial } from "./document";

const loaded = JSON.parse(
  '{"kind":"implementation","code":"000172111003","name":"药品零售企业经营许可","matter_type":"01","legal_basis":"《药品管理法》",' +
    '"power_source":"1","service_objects":["2"],"time_limits":{"legal":20,"promised":15},"procedure":{"steps":["receive"],"max_human_steps":5},' +
    '"approval_chain":"county","materials":[{"code":"M001","name":"申请表","originals":1},{"code":"M002","name":"营业执照","copies":1,"waivable":true}],' +
    '"form":{"type":"object","properties":{}},"department":"scjgj","guide":{"address":"A 区","phone":"0451-1"},"flow":{"nodes":[],"edges":[]},' +
    '"zz_unknown":{"b":1,"a":2}}',
) as MatterDocument;
const text = serialise(loaded);

describe("editing keeps untouched parts as they were", () => {
  it("an unchanged document serialises byte for byte", () => {
    expect(serialise(setTop(loaded, "name", loaded.name))).toBe(text);
    expect(setTop(loaded, "name", loaded.name)).toBe(loaded);
  });
  it("editing a value keeps every key in its place", () => {
    const edited = setTop(loaded, "name", "新名称");
    expect(Object.keys(edited)).toEqual(Object.keys(loaded));
    expect(edited.flow).toBe(loaded.flow);
    expect(serialise(setTop(edited, "name", loaded.name))).toBe(text);
  });
  it("a new optional key goes where the meta-schema lists it", () => {
    const edited = setTop(loaded, "conditions", "具备条件");
    const keys = Object.keys(edited);
    expect(keys.indexOf("conditions")).toBe(keys.indexOf("service_objects") + 1);
    expect(keys.at(-1)).toBe("zz_unknown");
    expect(serialise(setTop(edited, "conditions", ""))).toBe(text);
  });
  it("a default value is left out, as the canonical form does", () => {
    expect("notify_and_commit" in setTop(loaded, "notify_and_commit", false)).toBe(false);
    const m = setMaterialField({ code: "M9", name: "x", required: false }, "required", true);
    expect(m).toEqual({ code: "M9", name: "x" });
  });
  it("a material field edit touches only that material and keeps its key order", () => {
    const edited = updateMaterial(loaded, "M002", (m) => setMaterialField(setMaterialField(m, "page_limit", 5), "waived", true));
    const materials = edited.materials as Record<string, unknown>[];
    expect(materials[0]).toBe((loaded.materials as unknown[])[0]);
    expect(Object.keys(materials[1])).toEqual(["code", "name", "copies", "page_limit", "waivable", "waived"]);
    const back = updateMaterial(edited, "M002", (m) => setMaterialField(setMaterialField(m, "page_limit", undefined), "waived", false));
    expect(serialise(back)).toBe(text);
  });
  it("limits and guide fields keep their order", () => {
    expect(Object.keys(setLimit(loaded, "promised", "instant").time_limits as object)).toEqual(["legal", "promised"]);
    const guide = setGuideField(loaded, "hours", "工作日").guide as object;
    expect(Object.keys(guide)).toEqual(["address", "hours", "phone"]);
  });
});

describe("list helpers", () => {
  it("moves items and refuses out-of-range moves", () => {
    expect(moveItem(["a", "b", "c"], 0, 2)).toEqual(["b", "c", "a"]);
    const list = ["a"];
    expect(moveItem(list, 0, 3)).toBe(list);
  });
  it("finds the next free code", () => {
    expect(nextCode("M", ["M001", "M003"])).toBe("M002");
    expect(nextCode("F", [])).toBe("F001");
  });
  it("an empty standard has every required key of the meta-schema", () => {
    const keys = Object.keys(emptyStandard("LH2300000009"));
    for (const key of ["kind", "code", "name", "matter_type", "legal_basis", "power_source", "service_objects", "time_limits", "procedure", "approval_chain", "materials", "form"]) {
      expect(keys).toContain(key);
    }
  });
});
