import { describe, inject } from "vitest";
import { MemoryTransport } from "../src/adapters/memory.js";
import { SshTransport } from "../src/adapters/ssh.js";
import { TlsTransport } from "../src/adapters/tls.js";
import { UnixSocketTransport } from "../src/adapters/unix-socket.js";
import { transportContract } from "./contract.js";
import { tinyEngine } from "./tiny-engine.js";

const engine = inject("engine");

describe("the memory transport with a tiny handler", () => {
  transportContract({ open: () => new MemoryTransport(tinyEngine()) });
});

describe.skipIf(!engine)("the unix socket transport against the engine", () => {
  transportContract({ open: () => new UnixSocketTransport({ socketPath: engine!.socketPath }) });
});

describe.skipIf(!engine?.tls)("the TLS transport against the engine", () => {
  const tls = engine!.tls!;
  transportContract({
    open: () => new TlsTransport({ host: tls.host, port: tls.port, certPath: tls.certPath }),
  });
});

describe.skipIf(!engine?.ssh)("the SSH transport against the engine", () => {
  const ssh = engine!.ssh!;
  transportContract({
    open: () =>
      new SshTransport({
        host: ssh.host,
        port: ssh.port,
        user: ssh.user,
        identityFiles: [ssh.identityFile],
        knownHostsFile: ssh.knownHostsFile,
        agent: false,
        sshConfigFile: false,
      }),
  });
});
