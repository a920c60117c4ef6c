import { ValidationError } from "@flotilla/types";

// How the docker CLI ties objects to a stack: names get the stack's name and `_` in front, and
// every object carries the stack's name in one label, which is what `docker stack ls/ps/rm` look for.

export const NAMESPACE_LABEL = "com.docker.stack.namespace";
/** The image as the compose file wrote it, so a redeploy can tell whether it changed. */
export const IMAGE_LABEL = "com.docker.stack.image";

export interface Namespace {
  readonly name: string;
  scope(key: string): string;
  descope(name: string): string;
}

export function namespace(name: string): Namespace {
  return {
    name,
    scope: (key) => `${name}_${key}`,
    descope: (scoped) => (scoped.startsWith(`${name}_`) ? scoped.slice(name.length + 1) : scoped),
  };
}

export function stackLabels(
  ns: Namespace,
  labels: Record<string, string> | undefined,
): Record<string, string> {
  return { ...labels, [NAMESPACE_LABEL]: ns.name };
}

/** The label filter that finds a stack's objects. */
export function stackFilter(ns: Namespace): { label: string[] } {
  return { label: [`${NAMESPACE_LABEL}=${ns.name}`] };
}

// The docker CLI refuses names that would not make valid object names once prefixed.
const STACK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function checkStackName(name: string): void {
  if (!STACK_NAME.test(name)) {
    throw new ValidationError("stack name", [
      {
        path: "name",
        message: `"${name}" must start with a letter or digit and hold only letters, digits, "_", "." and "-"`,
      },
    ]);
  }
}
