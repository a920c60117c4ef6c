import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createFakeSwarm } from "../index.js";

describe("the swarm's root CA", () => {
  it("is a self-signed CA certificate for CN=swarm-ca that clients can parse", async () => {
    await using swarm = await createFakeSwarm({ seed: 3 });
    const { TLSInfo } = (await (await swarm.handle(new Request("http://fake/swarm"))).json()) as {
      TLSInfo: { TrustRoot: string; CertIssuerSubject: string; CertIssuerPublicKey: string };
    };
    const certificate = new X509Certificate(TLSInfo.TrustRoot);
    expect(certificate.subject).toBe("CN=swarm-ca");
    expect(certificate.issuer).toBe("CN=swarm-ca");
    expect(certificate.ca).toBe(true);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    const years = (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / (365 * 86_400_000);
    expect(Math.round(years)).toBe(20);
    expect(certificate.publicKey.export({ format: "der", type: "spki" }).toString("base64")).toBe(
      TLSInfo.CertIssuerPublicKey,
    );
    // The DER of CN=swarm-ca, as Docker 20.10 reports it.
    expect(TLSInfo.CertIssuerSubject).toBe("MBMxETAPBgNVBAMTCHN3YXJtLWNh");
    await using again = await createFakeSwarm({ seed: 3 });
    // The same seed gives the same certificate.
    const other = (await (await again.handle(new Request("http://fake/swarm"))).json()) as {
      TLSInfo: { TrustRoot: string };
    };
    expect(other.TLSInfo.TrustRoot).toBe(TLSInfo.TrustRoot);
  });
});
