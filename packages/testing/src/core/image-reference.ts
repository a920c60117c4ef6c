// Whether swarmkit takes an image reference: docker/distribution's ParseNormalizedNamed, checked
// part by part. Its grammar is usually written as one regular expression, but in JavaScript
// that expression backtracks exponentially on a long name that fails (the npm port
// @swimlane/docker-reference hangs on 20 letters and a "!"), and one request must never stall the
// fake; each part here is checked in time linear in its length.

const NAME_MAX_LENGTH = 255;
const IDENTIFIER = /^[a-f0-9]{64}$/;
/** A path component: lower-case runs joined by one `.`, one or two `_`, or any number of `-`. */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[a-zA-Z][a-zA-Z0-9]*(?:[-_+.][a-zA-Z][a-zA-Z0-9]*)*:[a-fA-F0-9]{32,}$/;
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

function isDomain(text: string): boolean {
  const colon = text.indexOf(":");
  const host = colon === -1 ? text : text.slice(0, colon);
  if (colon !== -1 && !/^[0-9]+$/.test(text.slice(colon + 1))) return false;
  return host.split(".").every((part) => DOMAIN_COMPONENT.test(part));
}

function isDigest(text: string): boolean {
  if (!DIGEST.test(text)) return false;
  // The grammar takes upper-case hex; the digest's own check (go-digest) only lower-case.
  const [algorithm, hex] = text.split(":") as [string, string];
  return DIGEST_HEX_LENGTH[algorithm] === hex.length && /^[a-f0-9]+$/.test(hex);
}

/** `name[:tag][@digest]` as distribution's reference grammar reads it. */
function isReference(text: string): boolean {
  const at = text.indexOf("@");
  if (at !== -1 && !isDigest(text.slice(at + 1))) return false;
  let name = at === -1 ? text : text.slice(0, at);
  const colon = name.lastIndexOf(":");
  if (colon > name.lastIndexOf("/")) {
    if (!TAG.test(name.slice(colon + 1))) return false;
    name = name.slice(0, colon);
  }
  if (name.length > NAME_MAX_LENGTH) return false;
  const parts = name.split("/");
  const paths = (from: number) => parts.slice(from).every((part) => PATH_COMPONENT.test(part));
  // The first part is a domain when it reads as one and more follow; otherwise a path.
  return paths(0) || (parts.length > 1 && isDomain(parts[0]!) && paths(1));
}

/** Where a familiar name lives: Docker Hub unless its first part looks like a host. */
function splitDomain(name: string): [domain: string, remainder: string] {
  const slash = name.indexOf("/");
  const first = slash === -1 ? "" : name.slice(0, slash);
  let [domain, remainder] =
    slash === -1 || !(first.includes(".") || first.includes(":") || first === "localhost")
      ? ["docker.io", name]
      : [first, name.slice(slash + 1)];
  if (domain === "index.docker.io") domain = "docker.io";
  if (domain === "docker.io" && !remainder.includes("/")) remainder = `library/${remainder}`;
  return [domain, remainder];
}

/** Whether `image` is a reference swarmkit takes (`busybox`, `host:5000/a/b:tag@sha256:...`). */
export function isNormalizedNamed(image: string): boolean {
  if (IDENTIFIER.test(image)) return false;
  const [domain, remainder] = splitDomain(image);
  const tagAt = remainder.indexOf(":");
  const repository = tagAt === -1 ? remainder : remainder.slice(0, tagAt);
  if (repository.toLowerCase() !== repository) return false;
  return isReference(`${domain}/${remainder}`);
}
