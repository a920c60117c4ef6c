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
  debug?: boolean;
  /** False when --no-color was given. */
  color?: boolean;
}
