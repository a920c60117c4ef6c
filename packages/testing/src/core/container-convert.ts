import type { ContainerSpec } from "@flotilla/types";
import { EngineError } from "./errors.js";

// dockerd hands a container spec to swarmkit as protobuf and converts it back when asked, so
// some fields come back in another shape than the client sent: the 1.41 privileges struct in
// full, bind options only when they say something. Go's omitempty rules are in services.ts.

const PROPAGATIONS = new Set(["rprivate", "private", "rshared", "shared", "rslave", "slave"]);

type Privileges = {
  CredentialSpec?: { Config?: string; File?: string; Registry?: string } | null;
  SELinuxContext?: {
    Disable?: boolean;
    User?: string;
    Role?: string;
    Type?: string;
    Level?: string;
  } | null;
};

/** What dockerd refuses while converting: a credential spec naming nothing, an unknown propagation. */
export function checkContainerConversion(container: ContainerSpec | undefined): void {
  const credentials = (container?.Privileges as Privileges | undefined)?.CredentialSpec;
  if (credentials && !credentials.Config && !credentials.File && !credentials.Registry) {
    throw new EngineError(
      "InvalidParameter",
      'invalid CredentialSpec: must either provide "file", "registry", or "config" for credential spec',
    );
  }
  for (const mount of container?.Mounts ?? []) {
    const propagation = mount.BindOptions?.Propagation;
    if (propagation && !PROPAGATIONS.has(propagation.toLowerCase()))
      throw new EngineError("InvalidParameter", `invalid MountPropagation: ${JSON.stringify(propagation)}`);
  }
}

/** The container spec as it comes back from swarmkit. */
export function convertContainer(container: ContainerSpec): void {
  const privileges = container.Privileges as Privileges | undefined;
  if (privileges) {
    // Both are pointers without omitempty in the 1.41 types; newer fields do not survive.
    const credentials = privileges.CredentialSpec;
    const selinux = privileges.SELinuxContext;
    container.Privileges = {
      CredentialSpec: credentials
        ? {
            Config: credentials.Config ?? "",
            File: credentials.File ?? "",
            Registry: credentials.Registry ?? "",
          }
        : null,
      SELinuxContext: selinux
        ? {
            Disable: selinux.Disable ?? false,
            User: selinux.User ?? "",
            Role: selinux.Role ?? "",
            Type: selinux.Type ?? "",
            Level: selinux.Level ?? "",
          }
        : null,
    } as ContainerSpec["Privileges"];
  }
  for (const mount of container.Mounts ?? []) {
    const bind = mount.BindOptions;
    if (!bind) continue;
    // swarmkit keeps bind options only when they say something; its propagation enum starts at rprivate.
    if (!bind.Propagation && !bind.NonRecursive) delete mount.BindOptions;
    else
      mount.BindOptions = {
        Propagation: (bind.Propagation?.toLowerCase() || "rprivate") as NonNullable<typeof bind.Propagation>,
        ...(bind.NonRecursive && { NonRecursive: true }),
      };
  }
}
