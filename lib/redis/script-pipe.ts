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

type Batch = {
  replies: Reply[];
  expected: number;
  sentAt: number;
  resolve: (replies: Reply[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  /** Timed out: its caller was told; its replies are still read (and dropped) to keep the order. */
  abandoned: boolean;
};

/** One socket and the batches waiting on it, in the order they were written. */
type Connection = { socket: net.Socket; batches: Batch[]; error?: Error; lastReplyAt: number; scriptsVersion: number };

export type ScriptPipeOptions = {
  /** How long a connection attempt may take. */
  connectTimeoutMs: number;
  /** How long a caller waits for a batch's replies before its promise fails. */
  replyTimeoutMs: number;
  /** After a failed connection attempt, batches fail at once for this long instead of trying again. */
  retryDelayMs: number;
  /** A connection that has answered nothing for this long while batches wait is dropped. */
  deadAfterMs: number;
};

const DEFAULTS: ScriptPipeOptions = { connectTimeoutMs: 1_000, replyTimeoutMs: 2_000, retryDelayMs: 200, deadAfterMs: 30_000 };

/** Redis refuses AUTH when it has no password set; a URL that carries one anyway still works (as with ioredis). */
const NO_PASSWORD_SET = /without any password configured|no password is set/i;

/**
 * A lean Redis connection for the counter writes: many script calls per batch, one socket write,
 * replies matched in order, and nothing queued or re-sent.
 *
 * One connection carries every batch, so Redis runs them in the order they were written: a rebuild
 * that timed out for its caller still runs before any later apply (the callers' advisory locks
 * order the writes; the connection must keep that order). So a batch that gets no answer in time
 * fails for its caller but stays in line, and its replies are read and dropped when they come.
 * Only a connection that answers nothing for deadAfterMs is given up. Scripts are loaded on the
 * connection before the first batch that may call them, and again after a NOSCRIPT reply.
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
  private readonly scripts = new Map<string, string>(); // lua -> sha
  private scriptsVersion = 0;
  private closed = false;
  private readonly options: ScriptPipeOptions;
  private readonly target: { host: string; port: number; secure: boolean; username: string; password: string; db: number };

  constructor(url: string, options: Partial<ScriptPipeOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.target = parseRedisUrl(url);
  }

  /** Registers a Lua script (loaded on the connection before it is needed) and returns the SHA to call it by. */
  script(lua: string): string {
    let sha = this.scripts.get(lua);
    if (sha === undefined) {
      sha = createHash("sha1").update(lua).digest("hex");
      this.scripts.set(lua, sha);
      this.scriptsVersion++;
    }
    return sha;
  }

  /** Sends the commands in one write; resolves with one reply per command, in order (errors as values). */
  async exec(commands: readonly (readonly string[])[]): Promise<Reply[]> {
    if (commands.length === 0) return [];
    // Redis answers nothing to an empty command, which would shift every later reply.
    if (commands.some((command) => command.length === 0)) throw new Error("a Redis command needs at least its name");
    const connection = this.current ?? (await this.connect());
    if (connection.scriptsVersion !== this.scriptsVersion) await this.loadScripts(connection);
    const replies = await this.send(connection, commands);
    if (replies.some((reply) => reply instanceof RedisReplyError && reply.message.startsWith("NOSCRIPT"))) {
      connection.scriptsVersion = -1; // the script cache was flushed: load them again before the next batch
    }
    return replies;
  }

  /** Drops the connection; later batches fail. */
  close() {
    this.closed = true;
    this.drop();
  }

  private async loadScripts(connection: Connection) {
    const version = this.scriptsVersion;
    const replies = await this.send(connection, [...this.scripts.keys()].map((lua) => ["SCRIPT", "LOAD", lua]));
    const failed = replies.find((reply) => reply instanceof RedisReplyError);
    if (failed) throw failed;
    connection.scriptsVersion = version;
  }

  /** Forgets the connection at once (so no batch is written to it any more) and closes it. */
  private drop(connection = this.current, error?: Error) {
    if (!connection) return;
    if (this.current === connection) this.current = undefined;
    connection.socket.destroy(error);
  }

  private send(connection: Connection, commands: readonly (readonly string[])[]): Promise<Reply[]> {
    if (commands.length === 0) return Promise.resolve([]);
    // Closed meanwhile (its waiting batches were failed then): nothing would ever answer.
    if (connection.socket.destroyed) return Promise.reject(connection.error ?? new Error("the Redis connection is closed"));
    return new Promise<Reply[]>((resolve, reject) => {
      const batch: Batch = { replies: [], expected: commands.length, sentAt: Date.now(), resolve, reject, abandoned: false, timer: undefined! };
      batch.timer = setTimeout(() => this.timedOut(connection, batch), this.options.replyTimeoutMs);
      connection.batches.push(batch);
      connection.socket.write(encodeCommands(commands));
    });
  }

  private timedOut(connection: Connection, batch: Batch) {
    batch.abandoned = true;
    batch.reject(new Error(`Redis did not answer within ${this.options.replyTimeoutMs} ms`));
    const oldest = connection.batches[0];
    if (oldest && connection.lastReplyAt < oldest.sentAt && Date.now() - oldest.sentAt >= this.options.deadAfterMs) {
      this.drop(connection, new Error(`Redis answered nothing for ${this.options.deadAfterMs} ms`));
    }
  }

  private onReply(connection: Connection, reply: Reply) {
    connection.lastReplyAt = Date.now();
    const batch = connection.batches[0];
    if (!batch) {
      this.drop(connection, new Error("Redis sent a reply nobody asked for"));
      return;
    }
    batch.replies.push(reply);
    if (batch.replies.length === batch.expected) {
      connection.batches.shift();
      clearTimeout(batch.timer);
      if (!batch.abandoned) batch.resolve(batch.replies);
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
    const { host, port, secure, username, password, db } = this.target;
    const socket = secure ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    const connection: Connection = { socket, batches: [], lastReplyAt: Date.now(), scriptsVersion: -1 };
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
        if (!batch.abandoned) batch.reject(error);
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
    if (password) setup.push(username ? ["AUTH", username, password] : ["AUTH", password]);
    if (db !== 0) setup.push(["SELECT", String(db)]);
    if (setup.length === 0) setup.push(["PING"]);
    const replies = await this.send(connection, setup);
    const failed = replies.find((reply, i) => reply instanceof RedisReplyError && !(setup[i][0] === "AUTH" && NO_PASSWORD_SET.test(reply.message)));
    if (failed || this.closed) {
      socket.destroy();
      throw failed ?? new Error("the counter connection is closed");
    }
    this.current = connection;
    return connection;
  }
}

/** redis://[user[:password]@]host[:port][/db] or rediss:// (TLS); anything else is refused. */
export function parseRedisUrl(value: string) {
  const url = new URL(value);
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") throw new Error(`REDIS_URL must start with redis:// or rediss://, not ${url.protocol}//`);
  const path = url.pathname.replace(/^\//, "");
  if (!/^\d*$/.test(path)) throw new Error(`REDIS_URL's database must be a number, not "${path}"`);
  return {
    host: url.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: Number(url.port || 6379),
    secure: url.protocol === "rediss:",
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    db: Number(path || 0),
  };
}
