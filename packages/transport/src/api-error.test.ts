import { describe, expect, it } from "vitest";
import { apiErrorFor } from "./api-error.js";

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
