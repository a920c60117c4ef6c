import { describe, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { components } from "./generated/openapi.js";
import type { requestBodySchemas } from "./generated/zod.js";

// Both generated files come from spec/, by different generators. These checks run in
// `pnpm typecheck`: if either generator maps a schema differently, the types stop agreeing.
type Schemas = components["schemas"];
type Parsed<Name extends keyof typeof requestBodySchemas> = z.infer<(typeof requestBodySchemas)[Name]>;

describe("zod request schemas and generated types", () => {
  it("agree in both directions for every request body", () => {
    expectTypeOf<Parsed<"ServiceSpec">>().toExtend<Schemas["ServiceSpec"]>();
    expectTypeOf<Schemas["ServiceSpec"]>().toExtend<Parsed<"ServiceSpec">>();
    expectTypeOf<Parsed<"SwarmSpec">>().toExtend<Schemas["SwarmSpec"]>();
    expectTypeOf<Schemas["SwarmSpec"]>().toExtend<Parsed<"SwarmSpec">>();
    expectTypeOf<Parsed<"SwarmInitRequest">>().toExtend<Schemas["SwarmInitRequest"]>();
    expectTypeOf<Schemas["SwarmInitRequest"]>().toExtend<Parsed<"SwarmInitRequest">>();
    expectTypeOf<Parsed<"SwarmJoinRequest">>().toExtend<Schemas["SwarmJoinRequest"]>();
    expectTypeOf<Schemas["SwarmJoinRequest"]>().toExtend<Parsed<"SwarmJoinRequest">>();
    expectTypeOf<Parsed<"NodeSpec">>().toExtend<Schemas["NodeSpec"]>();
    expectTypeOf<Schemas["NodeSpec"]>().toExtend<Parsed<"NodeSpec">>();
    expectTypeOf<Parsed<"SecretSpec">>().toExtend<Schemas["SecretSpec"]>();
    expectTypeOf<Schemas["SecretSpec"]>().toExtend<Parsed<"SecretSpec">>();
    expectTypeOf<Parsed<"ConfigSpec">>().toExtend<Schemas["ConfigSpec"]>();
    expectTypeOf<Schemas["ConfigSpec"]>().toExtend<Parsed<"ConfigSpec">>();
    expectTypeOf<Parsed<"NetworkCreateRequest">>().toExtend<Schemas["NetworkCreateRequest"]>();
    expectTypeOf<Schemas["NetworkCreateRequest"]>().toExtend<Parsed<"NetworkCreateRequest">>();
  });
});
