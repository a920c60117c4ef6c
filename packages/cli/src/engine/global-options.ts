/** The options every command takes, as commander hands them over (`optsWithGlobals()`). */
export interface GlobalOptions {
  host?: string;
  context?: string;
  /** Kontena's word for the same thing as --context. */
  grid?: string;
  tls?: boolean;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  apiVersion?: string;
  /** --allow-plain-tcp: talk to a tcp:// endpoint without TLS (see open-transport.ts). */
  allowPlainTcp?: boolean;
  debug?: boolean;
  /** False when --no-color was given. */
  color?: boolean;
}
