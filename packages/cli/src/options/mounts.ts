import type { Mount } from "@flotilla/types";
import { UsageError } from "../errors.js";
import { parseBytes } from "./units.js";

// `-v/--volume [source:]target[:ro|rw]` (Kontena's and docker's short form) and docker's
// `--mount type=...,source=...,target=...` long form.

export function parseVolume(text: string): Mount {
  const parts = text.split(":");
  const bad = (why: string) =>
    new UsageError(
      `--volume: "${text}" is not a volume: ${why}; write /path, NAME:/path or /host:/path[:ro]`,
    );
  if (parts.length > 3 || parts.some((p) => p === "")) throw bad("empty or too many parts");
  const mode =
    parts.length === 3 || (parts.length === 2 && /^(ro|rw)$/.test(parts[1]!)) ? parts.pop()! : "rw";
  if (mode !== "ro" && mode !== "rw") throw bad(`mode must be ro or rw, not "${mode}"`);
  const [source, target] = parts.length === 2 ? parts : [undefined, parts[0]!];
  if (!target!.startsWith("/")) throw bad("the target must be an absolute path");
  const mount: Mount = { Type: source?.startsWith("/") ? "bind" : "volume", Target: target };
  if (source !== undefined) mount.Source = source;
  if (mode === "ro") mount.ReadOnly = true;
  return mount;
}

const MOUNT_TYPES = new Set(["bind", "volume", "tmpfs"]);

export function parseMount(text: string): Mount {
  const bad = (why: string) =>
    new UsageError(`--mount: "${text}" is not a mount: ${why}; write type=volume,source=NAME,target=/path`);
  const mount: Mount = { Type: "volume", Target: "" };
  for (const field of text.split(",")) {
    const [key, value] = field.split("=", 2) as [string, string | undefined];
    switch (key) {
      case "type":
        if (!value || !MOUNT_TYPES.has(value)) throw bad(`type must be bind, volume or tmpfs`);
        mount.Type = value as "bind";
        break;
      case "source":
      case "src":
        mount.Source = value;
        break;
      case "target":
      case "dst":
      case "destination":
        mount.Target = value ?? "";
        break;
      case "readonly":
      case "ro":
        mount.ReadOnly = value === undefined || value === "true" || value === "1";
        break;
      case "volume-driver":
        mount.VolumeOptions = { ...mount.VolumeOptions, DriverConfig: { Name: value } };
        break;
      case "tmpfs-size":
        mount.TmpfsOptions = {
          ...mount.TmpfsOptions,
          SizeBytes: parseBytes(value ?? "", "--mount tmpfs-size"),
        };
        break;
      default:
        throw bad(`unknown field "${key}"`);
    }
  }
  if (!mount.Target?.startsWith("/")) throw bad("target must be an absolute path");
  return mount;
}
