// Split out so a bundle loads TLS and SSH (and ssh2) only for endpoints that use them.
export { createTransport } from "@flotilla/transport";
