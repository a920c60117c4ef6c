import { Duplex } from "node:stream";
import type { ClientChannel } from "ssh2";

/**
 * An ssh2 channel as a well-behaved socket. ssh2's `Channel.destroy(error)` drops the error, so
 * undici, which destroys a socket with the reason (a body timeout, say), would see a bare close
 * and report a lost connection instead. This wrapper keeps `destroy(error)` semantics and passes
 * backpressure through both ways.
 */
export class ChannelSocket extends Duplex {
  readonly #channel: ClientChannel;

  constructor(channel: ClientChannel) {
    super({ allowHalfOpen: false });
    this.#channel = channel;
    channel.on("data", (chunk: Buffer) => {
      if (!this.push(chunk)) channel.pause();
    });
    channel.once("end", () => this.push(null));
    channel.once("close", () => {
      if (!this.destroyed) this.destroy();
    });
    channel.on("error", (error: Error) => this.destroy(error));
  }

  override _read(): void {
    this.#channel.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#channel.write(chunk)) callback();
    else this.#channel.once("drain", () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#channel.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#channel.destroy();
    callback(error);
  }
}
