import { createHash } from "node:crypto";
import net from "node:net";
import tls from "node:tls";

/** A reply as this connection reads it: simple and bulk strings, integers, nil, or the error Redis sent. */
export type Reply = string | number | null | RedisReplyError;

export class RedisReplyError extends Error {
  override name = "RedisReplyError";
}

/** Commands as RESP arrays of bulk strings, all in one string (written with one socket write). */
export function encodeCommands(commands: readonly (readonly string[])[]): string {
  let out = "";
  for (const args of commands) {
    out += `*${args.length}\r\n`;
    for (const arg of args) out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  }
  return out;
}

const PLUS = 0x2b;
const MINUS = 0x2d;
const COLON = 0x3a;
const DOLLAR = 0x24;

/**
 * Reads RESP2 replies from a stream cut anywhere: the kinds scripts, EXISTS, AUTH, SELECT and
 * SCRIPT LOAD answer with (simple string, error, integer, bulk string, nil). Anything else (an
 * array) is a protocol error, thrown.
 */
export class ReplyReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onReply: (reply: Reply) => void) {}

  push(chunk: Buffer) {
    const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let offset = 0;
    while (offset < buffer.length) {
      const end = buffer.indexOf("\r\n", offset);
      if (end < 0) break;
      const type = buffer[offset];
      if (type === DOLLAR) {
        const length = Number(buffer.toString("latin1", offset + 1, end));
        if (length < 0) {
          offset = end + 2;
          this.onReply(null);
          continue;
        }
        const start = end + 2;
        if (buffer.length < start + length + 2) break; // the rest of this bulk string is still coming
        offset = start + length + 2;
        this.onReply(buffer.toString("utf8", start, start + length));
        continue;
      }
      const line = buffer.toString("utf8", offset + 1, end);
      offset = end + 2;
      if (type === COLON) this.onReply(Number(line));
      else if (type === PLUS) this.onReply(line);
      else if (type === MINUS) this.onReply(new RedisReplyError(line));
      else throw new Error(`unexpected RESP reply type ${JSON.stringify(String.fromCharCode(type))}`);
    }
    this.pending = offset >= buffer.length ? Buffer.alloc(0) : Buffer.from(buffer.subarray(offset));
  }
}

type Batch = { replies: Reply[]; expected: number; resolve: (replies: Reply[]) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

/** One socket and the batches waiting on it, in the order they were written. */
type Connection = { socket: net.Socket; batches: Batch[]; error?: Error };

export type ScriptPipeOptions = {
  /** How long a connection attempt may take. */
  connectTimeoutMs: number;
  /** How long a batch may wait for its replies; then the connection is dropped and the batch fails. */
  replyTimeoutMs: number;
  /** After a failed connection attempt, batches fail at once for this long instead of trying again. */
  retryDelayMs: number;
};

/**
 * A lean Redis connection for the counter writes: many script calls per batch, one socket write,
 * replies matched in order, and nothing queued or re-sent. A batch that gets no answer in time
 * fails, and the connection is dropped so no late reply can be read as another batch's (a command
 * that still runs later is fenced by its applied marker). Scripts are loaded whenever the
 * connection opens and called by SHA; after a NOSCRIPT reply the connection is reopened.
 *
 * It exists because a general client builds a command object, a promise and a timer for every
 * script call, and a group commit makes one call per customer: at 1,000 customers per request
 * that was about a third of the ingest process's work.
 */
export class ScriptPipe {
  private current: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  private failedAt = 0;
  private lastError: Error | undefined;
  private readonly scripts = new Map<string, string>(); // sha -> lua
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly options: ScriptPipeOptions = { connectTimeoutMs: 1_000, replyTimeoutMs: 2_000, retryDelayMs: 200 },
  ) {}

  /** Registers a Lua script (loaded on every connection) and returns the SHA to call it by. */
  script(lua: string): string {
    const sha = createHash("sha1").update(lua).digest("hex");
    if (!this.scripts.has(sha)) {
      this.scripts.set(sha, lua);
      this.drop(); // the next batch connects again and loads it
    }
    return sha;
  }

  /** Sends the commands in one write; resolves with one reply per command, in order (errors as values). */
  async exec(commands: readonly (readonly string[])[]): Promise<Reply[]> {
    if (commands.length === 0) return [];
    const connection = this.current ?? (await this.connect());
    const replies = await this.send(connection, commands);
    if (replies.some((reply) => reply instanceof RedisReplyError && reply.message.startsWith("NOSCRIPT"))) {
      this.drop(connection); // the script cache was flushed: load the scripts again on the next batch
    }
    return replies;
  }

  /** Drops the connection; later batches fail. */
  close() {
    this.closed = true;
    this.drop();
  }

  /** Forgets the connection at once (so no batch is written to it any more) and closes it. */
  private drop(connection = this.current, error?: Error) {
    if (!connection) return;
    if (this.current === connection) this.current = undefined;
    connection.socket.destroy(error);
  }

  private send(connection: Connection, commands: readonly (readonly string[])[]): Promise<Reply[]> {
    return new Promise<Reply[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.drop(connection, new Error(`Redis did not answer within ${this.options.replyTimeoutMs} ms`));
      }, this.options.replyTimeoutMs);
      connection.batches.push({ replies: [], expected: commands.length, resolve, reject, timer });
      connection.socket.write(encodeCommands(commands));
    });
  }

  private onReply(connection: Connection, reply: Reply) {
    const batch = connection.batches[0];
    if (!batch) {
      this.drop(connection, new Error("Redis sent a reply nobody asked for"));
      return;
    }
    batch.replies.push(reply);
    if (batch.replies.length === batch.expected) {
      connection.batches.shift();
      clearTimeout(batch.timer);
      batch.resolve(batch.replies);
    }
  }

  private connect(): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error("the counter connection is closed"));
    if (this.connecting) return this.connecting;
    if (Date.now() - this.failedAt < this.options.retryDelayMs) {
      return Promise.reject(new Error(`Redis is unavailable: ${this.lastError?.message ?? "connection failed"}`));
    }
    this.connecting = this.open().then(
      (connection) => {
        this.connecting = undefined;
        return connection;
      },
      (error: Error) => {
        this.connecting = undefined;
        this.failedAt = Date.now();
        this.lastError = error;
        throw error;
      },
    );
    return this.connecting;
  }

  private async open(): Promise<Connection> {
    const url = new URL(this.url);
    const port = Number(url.port || 6379);
    const host = url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1";
    const secure = url.protocol === "rediss:";
    const socket = secure ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    socket.setNoDelay(true);
    const connection: Connection = { socket, batches: [] };
    const reader = new ReplyReader((reply) => this.onReply(connection, reply));
    socket.on("data", (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (error) {
        this.drop(connection, error as Error);
      }
    });
    socket.on("error", (error) => {
      connection.error ??= error; // reported to the waiting batches when the socket closes
    });
    socket.on("close", () => {
      if (this.current === connection) this.current = undefined;
      const error = connection.error ?? new Error("the Redis connection closed before it answered");
      for (const batch of connection.batches.splice(0)) {
        clearTimeout(batch.timer);
        batch.reject(error);
      }
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => socket.destroy(new Error(`could not connect to Redis within ${this.options.connectTimeoutMs} ms`)), this.options.connectTimeoutMs);
      const failed = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      socket.once("error", failed);
      socket.once(secure ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        socket.off("error", failed);
        resolve();
      });
    });
    const setup: string[][] = [];
    const password = decodeURIComponent(url.password);
    const username = decodeURIComponent(url.username);
    if (password) setup.push(username ? ["AUTH", username, password] : ["AUTH", password]);
    const db = Number(url.pathname.slice(1) || 0);
    if (db) setup.push(["SELECT", String(db)]);
    for (const lua of this.scripts.values()) setup.push(["SCRIPT", "LOAD", lua]);
    const replies = await this.send(connection, setup.length > 0 ? setup : [["PING"]]);
    const failed = replies.find((reply) => reply instanceof RedisReplyError);
    if (failed || this.closed) {
      socket.destroy();
      throw failed ?? new Error("the counter connection is closed");
    }
    this.current = connection;
    return connection;
  }
}
