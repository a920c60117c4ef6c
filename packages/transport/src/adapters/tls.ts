import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { ConnectionError } from "../errors.js";
import { SocketTransport } from "../socket-transport.js";
import type { StageTimeouts } from "../transport.js";
import { authority } from "./authority.js";
import { netConnectionError } from "./connect-net.js";

export interface TlsMaterial {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface TlsTransportOptions extends TlsMaterial {
  host: string;
  /** 2376, the engine's TLS port, by default. */
  port?: number;
  /** A directory holding ca.pem, cert.pem and key.pem, as DOCKER_CERT_PATH names; explicit fields win. */
  certPath?: string;
  /** Check the engine's certificate against `ca` (or the system CAs). On unless turned off. */
  verify?: boolean;
  connections?: number;
  timeout?: StageTimeouts;
}

/** Reads whichever of ca.pem, cert.pem and key.pem a directory has. */
export function readCertDirectory(dir: string, read: (path: string) => Buffer = readFileSync): TlsMaterial {
  const pick = (name: string) => {
    const path = join(dir, name);
    return existsSync(path) ? read(path) : undefined;
  };
  return { ca: pick("ca.pem"), cert: pick("cert.pem"), key: pick("key.pem") };
}

const VERIFY_FAILURES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
]);
// The engine refusing us: with TLS 1.3 this alert arrives after our side finished the handshake,
// often while the first request is in flight, so it is read from socket errors too.
const CLIENT_CERT_REFUSED =
  /ALERT_CERTIFICATE_REQUIRED|ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA|ALERT_HANDSHAKE_FAILURE/;

function tlsConnectionError(
  error: unknown,
  endpoint: string,
  hasClientCert: boolean,
): ConnectionError | undefined {
  const code = String((error as { code?: unknown } | null)?.code ?? "");
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return nameMismatch(error as NameMismatch, endpoint);
  if (VERIFY_FAILURES.has(code)) {
    return new ConnectionError(
      "ERR_TLS_VERIFY",
      {
        endpoint,
        problem: `the engine's certificate did not verify (${code})`,
        hint: "check that ca.pem in DOCKER_CERT_PATH is the CA that signed the engine's certificate",
      },
      { cause: error },
    );
  }
  if (CLIENT_CERT_REFUSED.test(code)) {
    return new ConnectionError(
      "ERR_TLS_CLIENT_CERT",
      {
        endpoint,
        problem: hasClientCert
          ? "the engine refused our client certificate"
          : "the engine requires a client certificate",
        hint: "put the client's cert.pem and key.pem (signed by the engine's CA) in DOCKER_CERT_PATH",
      },
      { cause: error },
    );
  }
  return undefined;
}

/** What node:tls's checkServerIdentity says when the name is not the certificate's. */
interface NameMismatch extends Error {
  host?: string;
  cert?: { subjectaltname?: string; subject?: { CN?: string } };
}

/**
 * The certificate verified, but for other names: the CA is right, so the hint is about the name
 * connected to, listing the names the certificate is for.
 */
function nameMismatch(error: NameMismatch, endpoint: string): ConnectionError {
  const altNames = (error.cert?.subjectaltname ?? "")
    .split(",")
    .map((entry) => entry.trim().replace(/^(DNS|IP Address):/, ""))
    .filter(Boolean);
  const names = altNames.length > 0 ? altNames : [error.cert?.subject?.CN].filter((n) => n !== undefined);
  const host = error.host ?? endpoint;
  return new ConnectionError(
    "ERR_TLS_VERIFY",
    {
      endpoint,
      problem: `the engine's certificate does not name ${host}: it is for ${names.length > 0 ? names.join(", ") : "no host name"}`,
      hint: `connect with a name the certificate lists, or give the engine a certificate that names ${host}`,
    },
    { cause: error },
  );
}

/** The engine's mutual TLS: verifies the engine by default and presents a client certificate. */
export class TlsTransport extends SocketTransport {
  constructor(options: TlsTransportOptions) {
    const port = options.port ?? 2376;
    const endpoint = `tcp://${authority(options.host, port)}`;
    const material = {
      ...(options.certPath ? readCertDirectory(options.certPath) : {}),
      ...definedOnly(options),
    };
    const hasClientCert = material.cert !== undefined && material.key !== undefined;
    // Alerts that came after the handshake, by local port: undici reports such a socket only as
    // "other side closed" (with its local port), so the alert is looked up here to say why.
    const refusals = new Map<number, Error>();
    // node:tls is loaded on the first connection: a unix-socket client never pays for it.
    const open = async () => {
      const { connect } = await import("node:tls");
      return new Promise<TLSSocket>((resolve, reject) => {
        const socket = connect({
          host: options.host,
          port,
          ...(isIP(options.host) ? {} : { servername: options.host }),
          ca: material.ca,
          cert: material.cert,
          key: material.key,
          rejectUnauthorized: options.verify ?? true,
        });
        socket.once("error", (error: NodeJS.ErrnoException) => {
          reject(tlsConnectionError(error, endpoint, hasClientCert) ?? netConnectionError(error, endpoint));
        });
        socket.once("secureConnect", () => {
          socket.removeAllListeners("error");
          const port = socket.localPort;
          socket.on("error", (error: NodeJS.ErrnoException) => {
            if (port !== undefined && CLIENT_CERT_REFUSED.test(error.code ?? "")) refusals.set(port, error);
          });
          socket.once("close", () => setImmediate(() => port !== undefined && refusals.delete(port)));
          socket.setKeepAlive(true, 30_000);
          resolve(socket);
        });
      });
    };
    super({
      endpoint,
      authority: authority(options.host, port),
      openSocket: open,
      connections: options.connections,
      timeout: options.timeout,
      classifyError: (error) => {
        const port = (error as { socket?: { localPort?: number } } | null)?.socket?.localPort;
        const alert = port === undefined ? undefined : refusals.get(port);
        return tlsConnectionError(alert ?? error, endpoint, hasClientCert);
      },
    });
  }
}

function definedOnly(material: TlsMaterial): TlsMaterial {
  const out: TlsMaterial = {};
  if (material.ca !== undefined) out.ca = material.ca;
  if (material.cert !== undefined) out.cert = material.cert;
  if (material.key !== undefined) out.key = material.key;
  return out;
}
