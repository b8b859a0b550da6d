import { describe, expect, it } from "vitest";
import { parseBack, previewHrefs } from "./preview-pages";

const href = (q: { after?: string; back?: string }) => JSON.stringify(q);
const parse = (h: string | null) => (h ? (JSON.parse(h) as { after?: string; back?: string }) : null);

describe("the preview's page links", () => {
  it("walks forward three pages and back again to the first", () => {
    // page 1
    let after: string | null = null;
    let back: string[] = [];
    const p1 = previewHrefs(after, back, "c1", href);
    expect(p1.prevHref).toBeNull();
    expect(p1.firstHref).toBeNull();
    // page 2
    let q = parse(p1.nextHref)!;
    [after, back] = [q.after ?? null, parseBack(q.back)];
    expect([after, back]).toEqual(["c1", [""]]);
    const p2 = previewHrefs(after, back, "c2", href);
    // page 3
    q = parse(p2.nextHref)!;
    [after, back] = [q.after ?? null, parseBack(q.back)];
    expect([after, back]).toEqual(["c2", ["", "c1"]]);
    const p3 = previewHrefs(after, back, null, href);
    expect(p3.nextHref).toBeNull();
    // back to page 2, then page 1
    q = parse(p3.prevHref)!;
    expect([q.after, parseBack(q.back)]).toEqual(["c1", [""]]);
    q = parse(previewHrefs("c1", [""], "c2", href).prevHref)!;
    expect([q.after, parseBack(q.back)]).toEqual([undefined, []]);
  });
});
