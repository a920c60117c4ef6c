import { AbortError, ApiError, UncertainWriteError } from "@flotilla/transport";
import { describe, expect, it } from "vitest";
import { conflictPause, retryOnConflict } from "./conflict-retry.js";

function outOfSequence(): ApiError {
  return new ApiError({
    status: 500,
    method: "POST",
    path: "/services/x/update",
    engineMessage: "rpc error: code = Unknown desc = update out of sequence",
  });
}

const exhausted = (refusal: unknown) => new Error("exhausted", { cause: refusal });

describe("conflictPause", () => {
  it("is random below a ceiling that doubles per attempt up to two seconds", () => {
    expect([1, 2, 3, 4].map((n) => conflictPause(n, () => 0.999))).toEqual([19, 39, 79, 159]);
    expect(conflictPause(12, () => 0.999)).toBe(1998);
    expect(conflictPause(30, () => 0.5)).toBe(1000);
    expect(conflictPause(5, () => 0)).toBe(0);
  });
});

describe("retryOnConflict", () => {
  it("retries out-of-sequence refusals until an attempt succeeds", async () => {
    let calls = 0;
    const result = await retryOnConflict(
      async (n) => {
        calls++;
        if (n < 3) throw outOfSequence();
        return `done on ${n}`;
      },
      { attempts: 5, what: "service x update", exhausted },
    );
    expect(result).toBe("done on 3");
    expect(calls).toBe(3);
  });

  it("after the last attempt throws the caller's error with the last refusal as cause", async () => {
    let calls = 0;
    const last = outOfSequence();
    const error = await retryOnConflict(
      async () => {
        calls++;
        throw calls === 2 ? last : outOfSequence();
      },
      { attempts: 2, what: "service x update", exhausted },
    ).catch((e: unknown) => e);
    expect(calls).toBe(2);
    expect(error).toMatchObject({ message: "exhausted", cause: last });
  });

  it("passes any other error through at once", async () => {
    let calls = 0;
    const notFound = new ApiError({ status: 404, method: "GET", path: "/services/x", engineMessage: "no" });
    const error = await retryOnConflict(
      async () => {
        calls++;
        throw notFound;
      },
      { attempts: 5, what: "service x update", exhausted },
    ).catch((e: unknown) => e);
    expect(error).toBe(notFound);
    expect(calls).toBe(1);
  });

  it("stops waiting to retry when the signal fires, with an AbortError", async () => {
    const controller = new AbortController();
    const error = await retryOnConflict(
      async () => {
        controller.abort();
        throw outOfSequence();
      },
      { attempts: 5, signal: controller.signal, what: "service x update", exhausted },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toBe("service x update (waiting to retry): aborted");
  });

  it("follows up to `uncertainWrites` lost writes with another attempt, which knows it comes after one", async () => {
    const lost = () =>
      new UncertainWriteError({ endpoint: "a", next: "b", method: "POST", path: "/services/x/update" });
    const seen: Array<[number, boolean]> = [];
    const result = await retryOnConflict(
      async (n, afterUncertainWrite) => {
        seen.push([n, afterUncertainWrite]);
        if (n <= 2) throw lost();
        if (n === 3) throw outOfSequence();
        return "written";
      },
      // One conflict attempt to spare: the lost writes are not refusals and use none of them.
      { attempts: 2, uncertainWrites: 2, what: "service x update", exhausted },
    );
    expect(result).toBe("written");
    expect(seen).toEqual([
      [1, false],
      [2, true],
      [3, true],
      [4, true],
    ]);
  });

  it("passes a lost write through when none may be followed up, or after the last one allowed", async () => {
    const lost = new UncertainWriteError({
      endpoint: "a",
      next: "b",
      method: "POST",
      path: "/services/x/update",
    });
    let calls = 0;
    const alwaysLost = async () => {
      calls++;
      throw lost;
    };
    expect(await retryOnConflict(alwaysLost, { attempts: 5, what: "x", exhausted }).catch((e) => e)).toBe(
      lost,
    );
    expect(calls).toBe(1);
    calls = 0;
    const options = { attempts: 5, uncertainWrites: 3, what: "x", exhausted };
    expect(await retryOnConflict(alwaysLost, options).catch((e) => e)).toBe(lost);
    expect(calls).toBe(4);
  });
});
