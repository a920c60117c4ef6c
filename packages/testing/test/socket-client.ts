import { request } from "node:http";

// Requests to a served fake over its unix socket, as a client with no HTTP library of ours would
// send them.

const MiB = 1024 * 1024;

/** POSTs `head`, `fill` MiB of "x" written a MiB at a time (with backpressure), then `tail`. */
export function postFilled(
  socketPath: string,
  path: string,
  head: string,
  fill: number,
  tail: string,
): Promise<{ status: number; body: string }> {
  const chunk = Buffer.alloc(MiB, "x");
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(head) + fill * MiB + Buffer.byteLength(tail)),
        },
      },
      (res) => {
        let body = "";
        res.on("data", (data) => {
          body += data;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    let sent = 0;
    const write = () => {
      while (sent < fill) {
        sent++;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      req.end(tail);
    };
    req.write(head);
    write();
  });
}

export function ping(socketPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: "/_ping" }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}
