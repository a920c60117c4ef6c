import type { ComposeDocument, ComposeFileObject, ComposeNetwork, ComposeVolume } from "./model.js";
import { absolute, normaliseService, type ServiceContext } from "./normalise-service.js";
import { boolean, ComposeProblem, isMapping, join, keyValues, mapping, text } from "./values.js";

// The top level of one file: services (see normalise-service.ts), and networks, volumes, secrets
// and configs with `external` settled as the docker CLI settles it: an external object is known
// by `name`, by the old `external.name`, or else by its key, and never gets the stack's prefix.

const drop = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** `external: true`, or the old `external: { name }`; the name it gives, if any. */
function external(value: unknown, path: string): { external?: boolean; name?: string } {
  if (value === undefined || value === null) return {};
  if (isMapping(value)) return { external: true, name: text(value.name, join(path, "name")) };
  return { external: boolean(value, path) };
}

function externalName(
  entry: Record<string, unknown>,
  key: string,
  path: string,
  kind: string,
): { external?: boolean; name?: string } {
  const ext = external(entry.external, join(path, "external"));
  const name = text(entry.name, join(path, "name"));
  if (!ext.external) return { external: ext.external, name };
  if (ext.name !== undefined) {
    if (name !== undefined)
      throw new ComposeProblem(
        path,
        `${kind}.external.name and ${kind}.name conflict; only use ${kind}.name`,
      );
    return { external: true, name: ext.name };
  }
  return { external: true, name: name ?? key };
}

function networks(value: unknown): Record<string, ComposeNetwork> {
  const out: Record<string, ComposeNetwork> = {};
  for (const [key, raw] of Object.entries(mapping(value, "networks"))) {
    const path = join("networks", key);
    const entry = mapping(raw, path);
    const ipam = entry.ipam === undefined ? undefined : mapping(entry.ipam, join(path, "ipam"));
    out[key] = drop<ComposeNetwork>({
      ...externalName(entry, key, path, "network"),
      driver: text(entry.driver, join(path, "driver")),
      driver_opts:
        entry.driver_opts === undefined
          ? undefined
          : keyValues(entry.driver_opts, join(path, "driver_opts"), "="),
      attachable: boolean(entry.attachable, join(path, "attachable")),
      internal: boolean(entry.internal, join(path, "internal")),
      labels: entry.labels === undefined ? undefined : keyValues(entry.labels, join(path, "labels"), "="),
      ipam: ipam && {
        ...drop({
          driver: text(ipam.driver, join(path, "ipam.driver")),
          config: (ipam.config as unknown[] | undefined)?.map((c, i) =>
            drop({
              subnet: text(
                mapping(c, join(path, `ipam.config[${i}]`)).subnet,
                join(path, `ipam.config[${i}].subnet`),
              ),
            }),
          ),
        }),
      },
    });
  }
  return out;
}

function volumes(value: unknown): Record<string, ComposeVolume> {
  const out: Record<string, ComposeVolume> = {};
  for (const [key, raw] of Object.entries(mapping(value, "volumes"))) {
    const path = join("volumes", key);
    const entry = mapping(raw, path);
    const volume = drop<ComposeVolume>({
      ...externalName(entry, key, path, "volume"),
      driver: text(entry.driver, join(path, "driver")),
      driver_opts:
        entry.driver_opts === undefined
          ? undefined
          : keyValues(entry.driver_opts, join(path, "driver_opts"), "="),
      labels: entry.labels === undefined ? undefined : keyValues(entry.labels, join(path, "labels"), "="),
    });
    if (volume.external) {
      for (const field of ["driver", "driver_opts", "labels"] as const) {
        if (volume[field] !== undefined) throw new ComposeProblem(path, `"external" and "${field}" conflict`);
      }
    }
    out[key] = volume;
  }
  return out;
}

function fileObjects(
  value: unknown,
  kind: "secrets" | "configs",
  workingDir: string,
): Record<string, ComposeFileObject> {
  const out: Record<string, ComposeFileObject> = {};
  const singular = kind.slice(0, -1);
  for (const [key, raw] of Object.entries(mapping(value, kind))) {
    const path = join(kind, key);
    const entry = mapping(raw, path);
    const object = drop<ComposeFileObject>({
      ...externalName(entry, key, path, singular),
      file: text(entry.file, join(path, "file")),
      labels: entry.labels === undefined ? undefined : keyValues(entry.labels, join(path, "labels"), "="),
      driver: kind === "secrets" ? text(entry.driver, join(path, "driver")) : undefined,
      driver_opts:
        kind === "secrets" && entry.driver_opts !== undefined
          ? keyValues(entry.driver_opts, join(path, "driver_opts"), "=")
          : undefined,
      template_driver: text(entry.template_driver, join(path, "template_driver")),
    });
    if (!object.external) {
      if (object.driver) {
        if (object.file !== undefined)
          throw new ComposeProblem(
            path,
            `${singular}.driver and ${singular}.file conflict; only use ${singular}.driver`,
          );
      } else if (object.file === undefined) {
        throw new ComposeProblem(join(path, "file"), `is required unless the ${singular} is external`);
      } else object.file = absolute(workingDir, object.file);
    }
    out[key] = object;
  }
  return out;
}

/** One validated, interpolated file's document in long form. */
export function normaliseDocument(
  document: Record<string, unknown>,
  version: string,
  context: ServiceContext,
): ComposeDocument {
  const services = Object.fromEntries(
    Object.entries(mapping(document.services, "services")).map(([name, service]) => [
      name,
      normaliseService(service, join("services", name), context),
    ]),
  );
  return {
    version,
    services,
    networks: networks(document.networks),
    volumes: volumes(document.volumes),
    secrets: fileObjects(document.secrets, "secrets", context.workingDir),
    configs: fileObjects(document.configs, "configs", context.workingDir),
  };
}
