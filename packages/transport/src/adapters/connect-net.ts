import { connect, type NetConnectOpts, type Socket } from "node:net";
import { ConnectionError } from "../errors.js";

/** Hints for the errno values users actually meet, worded for the kind of endpoint. */
export function netConnectionError(error: NodeJS.ErrnoException, endpoint: string): ConnectionError {
  const cause = { cause: error };
  switch (error.code) {
    case "ENOENT":
      return new ConnectionError(
        "ERR_SOCKET_NOT_FOUND",
        {
          endpoint,
          problem: "no socket at this path",
          hint: "is the engine running? Start it, or point DOCKER_HOST elsewhere",
        },
        cause,
      );
    case "EACCES":
    case "EPERM":
      return new ConnectionError(
        "ERR_PERMISSION_DENIED",
        {
          endpoint,
          problem: "permission denied",
          hint: "add your user to the `docker` group and log in again, or use rootless Docker",
        },
        cause,
      );
    case "ECONNREFUSED":
      return new ConnectionError(
        "ERR_CONNECTION_REFUSED",
        {
          endpoint,
          problem: "connection refused",
          hint: "nothing listens there: is the engine running, and is that its address?",
        },
        cause,
      );
    default:
      return new ConnectionError(
        "ERR_CONNECTION",
        {
          endpoint,
          problem: `cannot connect (${error.code ?? error.message})`,
          hint: "check the address and the network",
        },
        cause,
      );
  }
}

/** Resolves once connected; TCP keep-alive so a silently dead peer ends streams instead of hanging. */
export function connectNet(options: NetConnectOpts, endpoint: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(options);
    socket.once("error", (error) => reject(netConnectionError(error, endpoint)));
    socket.once("connect", () => {
      socket.removeAllListeners("error");
      socket.setKeepAlive(true, 30_000);
      resolve(socket);
    });
  });
}
