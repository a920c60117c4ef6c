import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { apiErrorFor, engineMessage } from "./api-error.js";

describe("apiErrorFor", () => {
  it.each([
    [404, '{"message":"service x not found"}', "ERR_NOT_FOUND", "service x not found"],
    [
      409,
      '{"message":"rpc error: code = AlreadyExists desc = name conflicts with an existing object"}',
      "ERR_CONFLICT",
      "name conflicts",
    ],
    [
      503,
      '{"message":"This node is not a swarm manager. Use \\"docker swarm init\\" or \\"docker swarm join\\" to connect this node to swarm and try again."}',
      "ERR_NOT_SWARM_MANAGER",
      "not a swarm manager",
    ],
    [
      503,
      '{"message":"This node is not a swarm manager. Worker nodes can\'t be used to view or modify cluster state."}',
      "ERR_NOT_SWARM_MANAGER",
      "Worker nodes",
    ],
    [
      503,
      '{"message":"rpc error: code = Unavailable desc = transport is closing"}',
      "ERR_API",
      "Unavailable",
    ],
    [500, "plain text failure\n", "ERR_API", "plain text failure"],
    [
      400,
      '{"message":"client version 1.12 is too old. Minimum supported API version is 1.24"}',
      "ERR_API_VERSION",
      "too old",
    ],
  ])("reads %i %s as %s", (status, body, code, fragment) => {
    const error = apiErrorFor(status, "GET", "/v1.41/services/x", body);
    expect(error.code).toBe(code);
    expect(error.message).toContain(fragment);
  });
});

describe("engineMessage, fuzzed", () => {
  it("is the message text, or the body as written: never a JavaScript rendering", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((message) => JSON.stringify({ message })),
        ),
        (body) => {
          const message = engineMessage(body);
          expect(typeof message).toBe("string");
          if (!body.includes("[object ")) expect(message).not.toContain("[object ");
        },
      ),
      { seed: 18, numRuns: 3000 },
    );
  });

  it.each([
    ['{"message":{"a":1}}', '{"message":{"a":1}}'],
    ['{"message":null}', '{"message":null}'],
    ['{"message":["x"]}', '{"message":["x"]}'],
    ['{"constructor":1}', '{"constructor":1}'],
  ])("shows %s as written", (body, want) => expect(engineMessage(body)).toBe(want));
});
