import { describe, expect, it } from "vitest";
import { methodLabel, routeTemplate, statusClass } from "../../../src/services/metrics/labels";

describe("routeTemplate", () => {
  it("renders Hono path parameters as OpenAPI-style templates", () => {
    expect(routeTemplate("/api/v1/market/price/:symbol")).toBe("/api/v1/market/price/{symbol}");
    expect(routeTemplate("/api/v1/keys/:key_id/usage")).toBe("/api/v1/keys/{key_id}/usage");
    expect(routeTemplate("/a/:x/b/:y")).toBe("/a/{x}/b/{y}");
  });

  it("drops regex constraints and optional markers", () => {
    expect(routeTemplate("/posts/:id{[0-9]+}")).toBe("/posts/{id}");
    expect(routeTemplate("/files/:name{.+\\.(png|jpg)}/meta")).toBe("/files/{name}/meta");
    expect(routeTemplate("/api/:version?")).toBe("/api/{version}");
    expect(routeTemplate("/x/:n{a{2}}/y")).toBe("/x/{n}/y");
  });

  it("leaves static paths and colons inside segments alone", () => {
    expect(routeTemplate("/health")).toBe("/health");
    expect(routeTemplate("/time/12:30")).toBe("/time/12:30");
    expect(routeTemplate("*")).toBe("*");
  });
});

describe("methodLabel", () => {
  it("keeps standard methods and folds everything else into OTHER", () => {
    expect(methodLabel("get")).toBe("GET");
    expect(methodLabel("DELETE")).toBe("DELETE");
    expect(methodLabel("PROPFIND")).toBe("OTHER");
    expect(methodLabel("X".repeat(1000))).toBe("OTHER");
  });
});

describe("statusClass", () => {
  it("groups statuses by their first digit", () => {
    expect([101, 200, 204, 301, 404, 429, 500, 503].map(statusClass)).toEqual([
      "1xx",
      "2xx",
      "2xx",
      "3xx",
      "4xx",
      "4xx",
      "5xx",
      "5xx",
    ]);
  });
});
