import { describe, expect, it } from "vitest";
import { EngineError, type ErrorKind, grpc } from "../core/errors.js";
import { HTTP_STATUS, httpStatus } from "./errdefs.js";

// moby's httpstatus (httputils in Docker 20.10): each errdefs kind's status, and the kinds dockerd
// gives swarmkit's gRPC codes.

describe("errdefs", () => {
  it.each<[ErrorKind, number]>([
    ["NotModified", 304],
    ["InvalidParameter", 400],
    ["Unauthorized", 401],
    ["Forbidden", 403],
    ["NotFound", 404],
    ["Conflict", 409],
    ["System", 500],
    ["Unknown", 500],
    ["NotImplemented", 501],
    ["Unavailable", 503],
  ])("answers %s with %i", (kind, status) => {
    expect(httpStatus(new EngineError(kind, "x"))).toBe(status);
  });

  it("has a status for every kind", () => {
    expect(Object.keys(HTTP_STATUS)).toHaveLength(10);
  });

  it.each([
    [grpc.invalid("x"), 400, "rpc error: code = InvalidArgument desc = x"],
    [grpc.precondition("x"), 400, "rpc error: code = FailedPrecondition desc = x"],
    [grpc.notFound("x"), 404, "rpc error: code = NotFound desc = x"],
    [grpc.exists("x"), 409, "rpc error: code = AlreadyExists desc = x"],
    [grpc.unknown("x"), 500, "rpc error: code = Unknown desc = x"],
    [grpc.unimplemented("x"), 501, "rpc error: code = Unimplemented desc = x"],
  ])("answers a gRPC refusal with the status dockerd gives its code: %s", (error, status, message) => {
    expect(httpStatus(error)).toBe(status);
    expect(error.message).toBe(message);
  });
});
