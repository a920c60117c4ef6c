import { createHash, createPrivateKey, createPublicKey, sign } from "node:crypto";

// The swarm's root CA as `TLSInfo` shows it: a real self-signed X.509 certificate for CN=swarm-ca
// (valid 20 years, as swarmkit issues it), so that clients which parse `TrustRoot` can. swarmkit
// uses an ECDSA key; the fake uses Ed25519, whose signatures are deterministic, so that the same
// seed gives the same certificate.

function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const seq = (...parts: Buffer[]) => der(0x30, ...parts);
const ED25519 = seq(Buffer.from("06032b6570", "hex"));
/** Name ::= CN=swarm-ca, as a PrintableString, as swarmkit writes it. */
const SWARM_CA_NAME = seq(
  der(0x31, seq(Buffer.from("0603550403", "hex"), der(0x13, Buffer.from("swarm-ca")))),
);

function utcTime(ms: number): Buffer {
  const iso = new Date(ms).toISOString(); // 2026-11-22T16:39:00.000Z
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return der(0x17, Buffer.from(text));
}

export interface SwarmCa {
  TrustRoot: string;
  CertIssuerSubject: string;
  CertIssuerPublicKey: string;
}

/** A CA certificate from `seed` (any string), valid from `nowMs` (to the minute) for 20 years. */
export function swarmCa(seed: string, nowMs: number): SwarmCa {
  const secret = createHash("sha256").update(seed).digest();
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), secret]),
    format: "der",
    type: "pkcs8",
  });
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  const notBefore = Math.floor(nowMs / 60_000) * 60_000 - 5 * 60_000;
  const twentyYears = 20 * 365 * 24 * 3600 * 1000;
  const serial = der(0x02, Buffer.concat([Buffer.from([0x01]), secret.subarray(0, 15)]));
  const extensions = der(
    0xa3,
    seq(
      // keyUsage (critical): certificate and CRL signing.
      seq(
        Buffer.from("0603551d0f", "hex"),
        Buffer.from("0101ff", "hex"),
        der(0x04, Buffer.from("03020106", "hex")),
      ),
      // basicConstraints (critical): a CA.
      seq(
        Buffer.from("0603551d13", "hex"),
        Buffer.from("0101ff", "hex"),
        der(0x04, Buffer.from("30030101ff", "hex")),
      ),
    ),
  );
  const tbs = seq(
    der(0xa0, Buffer.from("020102", "hex")),
    serial,
    ED25519,
    SWARM_CA_NAME,
    seq(utcTime(notBefore), utcTime(notBefore + twentyYears)),
    SWARM_CA_NAME,
    spki,
    extensions,
  );
  const signature = sign(null, tbs, privateKey);
  const certificate = seq(tbs, ED25519, der(0x03, Buffer.from([0]), signature));
  const lines = certificate.toString("base64").match(/.{1,64}/g) ?? [];
  return {
    TrustRoot: `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`,
    CertIssuerSubject: SWARM_CA_NAME.toString("base64"),
    CertIssuerPublicKey: spki.toString("base64"),
  };
}
