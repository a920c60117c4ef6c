import type { z } from "zod";
import { engineRuleIssues } from "./engine-rules.js";
import { formatPath, ValidationError, type ValidationIssue } from "./errors.js";
import { type RequestBodyName, requestBodySchemas } from "./generated/zod.js";

/**
 * Checks a request body against spec/, then against the engine's own rules (engine-rules.ts),
 * before it is sent. Returns it typed, or throws a ValidationError whose issues name each field
 * path and what was expected there.
 */
export function validateRequestBody<Name extends RequestBodyName>(
  name: Name,
  value: unknown,
): z.infer<(typeof requestBodySchemas)[Name]> {
  const result = requestBodySchemas[name].safeParse(value);
  if (!result.success) throw new ValidationError(name, toIssues(result.error.issues));
  // Fits spec/; now what the engine itself would refuse.
  const issues = engineRuleIssues(name, result.data);
  if (issues.length > 0) throw new ValidationError(name, issues);
  return result.data as z.infer<(typeof requestBodySchemas)[Name]>;
}

function toIssues(issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  return issues.flatMap((issue) => {
    // zod reports unknown keys at their parent; name each key itself, which is what the user wrote.
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: "is not a field the engine knows",
      }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}
