import { describe, expect, it } from "vitest";
import { endpointInputSchema } from "./endpoints";

describe("webhook endpoint input", () => {
  it("takes an http(s) URL without credentials, and names the field otherwise", () => {
    const parse = (url: string) => endpointInputSchema.safeParse({ url, eventTypes: ["invoice.paid"] });
    expect(parse("https://hooks.example.com/in?tenant=7").success).toBe(true);
    for (const url of ["https://user:secret@hooks.example.com/in", "https://user@hooks.example.com/in", "ftp://hooks.example.com/in", "hooks.example.com/in"]) {
      const parsed = parse(url);
      expect(parsed.success, url).toBe(false);
      expect(parsed.error?.issues[0].path, url).toEqual(["url"]);
    }
    expect(parse("https://user:secret@hooks.example.com/in").error?.issues[0].message).toMatch(/must not carry a user or password/);
  });
});
