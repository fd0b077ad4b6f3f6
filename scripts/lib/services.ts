/**
 * Starts the PostgreSQL and Redis servers Meterline needs when the environment does not
 * name them (DATABASE_URL / REDIS_URL). Data lives under .data/ (git-ignored); servers
 * listen on loopback only, on ports of their own, apart from a system server's.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, chownSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import os from "node:os";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const DATA_DIR = path.join(ROOT, ".data");
export const PG_PORT = Number(process.env.METERLINE_PG_PORT ?? 55432);
export const REDIS_PORT = Number(process.env.METERLINE_REDIS_PORT ?? 56379);

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const onDebian = existsSync("/etc/debian_version");

export function log(message: string) {
  process.stdout.write(`[meterline] ${message}\n`);
}

export function portOpen(port: number, host = "127.0.0.1", timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function waitForPort(port: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing answered on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

function which(command: string): string | null {
  const result = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : null;
}

function aptInstall(packages: string[], why: string) {
  const command = `apt-get install -y ${packages.join(" ")}`;
  if (!(isRoot && onDebian)) {
    throw new Error(`${why} is missing. Install it with: sudo ${command}`);
  }
  log(`${why} is missing; installing it: ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  const result = spawnSync("apt-get", ["install", "-y", "-qq", ...packages], { stdio: "inherit", env });
  if (result.status !== 0) throw new Error(`${command} failed; run it by hand and retry`);
}

export function postgresBinDir(): string {
  const candidates: string[] = [];
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    for (const version of readdirSync(base).sort((a, b) => Number(b) - Number(a))) {
      candidates.push(path.join(base, version, "bin"));
    }
  }
  const pgConfig = which("pg_config");
  if (pgConfig) {
    try {
      candidates.push(execFileSync(pgConfig, ["--bindir"], { encoding: "utf8" }).trim());
    } catch {
      /* fall through to PATH */
    }
  }
  const onPath = which("initdb");
  if (onPath) candidates.push(path.dirname(onPath));
  const found = candidates.find((dir) => existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "postgres")));
  if (found) return found;
  aptInstall(["postgresql"], "PostgreSQL");
  return postgresBinDir();
}

/** Runs a PostgreSQL binary as the `postgres` user when we are root (the server refuses root). */
function runPg(binDir: string, binary: string, args: string[]) {
  const full = path.join(binDir, binary);
  const result = isRoot
    ? spawnSync("runuser", ["-u", "postgres", "--", full, ...args], { encoding: "utf8" })
    : spawnSync(full, args, { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${binary} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

export type Started = { databaseUrl: string; redisUrl: string; stop: () => void };

export async function ensurePostgres(): Promise<{ url: string; stop: () => void }> {
  const url = `postgres://meterline@127.0.0.1:${PG_PORT}/meterline`;
  const pgData = path.join(DATA_DIR, "postgres");
  if (await portOpen(PG_PORT)) {
    log(`PostgreSQL already running on 127.0.0.1:${PG_PORT}`);
    return { url, stop: () => {} };
  }
  const binDir = postgresBinDir();
  mkdirSync(DATA_DIR, { recursive: true });
  if (!existsSync(path.join(pgData, "PG_VERSION"))) {
    log(`initialising a PostgreSQL cluster in ${path.relative(ROOT, pgData)}`);
    mkdirSync(pgData, { recursive: true, mode: 0o700 });
    if (isRoot) chownPostgres(pgData);
    runPg(binDir, "initdb", ["-D", pgData, "-U", "meterline", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
    writeFileSync(
      path.join(pgData, "postgresql.auto.conf"),
      [
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = ''`,
        `max_connections = 200`,
        `shared_buffers = '1GB'`,
        `wal_buffers = '64MB'`,
        `max_wal_size = '8GB'`,
        `checkpoint_timeout = '15min'`,
        `work_mem = '64MB'`,
        `maintenance_work_mem = '512MB'`,
        `log_min_messages = 'warning'`,
        "",
      ].join("\n"),
    );
    if (isRoot) chownPostgres(path.join(pgData, "postgresql.auto.conf"));
  }
  log(`starting PostgreSQL on 127.0.0.1:${PG_PORT}`);
  runPg(binDir, "pg_ctl", ["-D", pgData, "-l", path.join(pgData, "server.log"), "-o", `-p ${PG_PORT}`, "-w", "-t", "120", "start"]);
  await waitForPort(PG_PORT, 60_000);
  const exists = runPg(binDir, "psql", ["-h", "127.0.0.1", "-p", String(PG_PORT), "-U", "meterline", "-d", "postgres", "-tAc", "select 1 from pg_database where datname = 'meterline'"]);
  if (!exists.trim()) {
    runPg(binDir, "createdb", ["-h", "127.0.0.1", "-p", String(PG_PORT), "-U", "meterline", "meterline"]);
  }
  return {
    url,
    stop: () => {
      log("stopping PostgreSQL");
      try {
        runPg(binDir, "pg_ctl", ["-D", pgData, "-m", "fast", "-w", "stop"]);
      } catch (error) {
        log(String(error));
      }
    },
  };
}

function chownPostgres(target: string) {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  chownSync(target, uid, gid);
}

export function redisServerBinary(): string {
  const found = which("redis-server");
  if (found) return found;
  aptInstall(["redis-server"], "Redis");
  const again = which("redis-server");
  if (!again) throw new Error("redis-server is still missing. Install it with: sudo apt-get install -y redis-server");
  return again;
}

const redisCli = () => which("redis-cli") ?? "redis-cli";

/** The process id of the Redis server answering on a loopback port (INFO server), or null. */
function redisProcessId(port: number): number | null {
  const info = spawnSync(redisCli(), ["-h", "127.0.0.1", "-p", String(port), "info", "server"], { encoding: "utf8", timeout: 3_000 });
  const match = /^process_id:(\d+)/m.exec(info.stdout ?? "");
  return match ? Number(match[1]) : null;
}

/** A number written in a file of a Redis data folder (its pid file, our port file), or null. */
function readNumber(file: string): number | null {
  try {
    const value = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}

/**
 * Starts a Redis server without persistence: Postgres is the source of truth, counters are rebuilt.
 * A server a crashed run left on the same folder is shut down first, but only once it has said so
 * itself: the server on the port recorded in the folder reports the pid recorded there. The new
 * server must likewise be the one answering on its port, not whatever else listens there.
 */
export async function startRedis(port: number, dir: string): Promise<() => void> {
  const binary = redisServerBinary();
  mkdirSync(dir, { recursive: true });
  const pidFile = path.join(dir, "redis.pid");
  const portFile = path.join(dir, "redis.port");
  const oldPid = readNumber(pidFile);
  const oldPort = readNumber(portFile);
  if (oldPid !== null && oldPort !== null && redisProcessId(oldPort) === oldPid) {
    spawnSync(redisCli(), ["-h", "127.0.0.1", "-p", String(oldPort), "shutdown", "nosave"], { timeout: 10_000 });
    for (let i = 0; i < 50 && (await portOpen(oldPort)); i++) await new Promise((r) => setTimeout(r, 100));
  }
  rmSync(pidFile, { force: true });
  writeFileSync(portFile, `${port}\n`);
  const result = spawnSync(binary, [
    "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no",
    "--daemonize", "yes", "--pidfile", pidFile, "--logfile", path.join(dir, "redis.log"),
  ]);
  if (result.status !== 0) throw new Error(`redis-server failed to start: ${result.stderr}`);
  await waitForPort(port, 20_000);
  for (let i = 0; ; i++) {
    const pid = readNumber(pidFile);
    if (pid !== null && redisProcessId(port) === pid) break;
    if (i >= 50) throw new Error(`redis-server did not start on 127.0.0.1:${port} (something else answers there?); see ${path.join(dir, "redis.log")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return () => {
    spawnSync(redisCli(), ["-h", "127.0.0.1", "-p", String(port), "shutdown", "nosave"]);
  };
}

export async function ensureRedis(): Promise<{ url: string; stop: () => void }> {
  const url = `redis://127.0.0.1:${REDIS_PORT}`;
  if (await portOpen(REDIS_PORT)) {
    log(`Redis already running on 127.0.0.1:${REDIS_PORT}`);
    return { url, stop: () => {} };
  }
  log(`starting Redis on 127.0.0.1:${REDIS_PORT}`);
  const stop = await startRedis(REDIS_PORT, path.join(DATA_DIR, "redis"));
  return { url, stop: () => { log("stopping Redis"); stop(); } };
}

/** Uses DATABASE_URL / REDIS_URL when set; otherwise starts (or reuses) local servers. */
export async function ensureServices(): Promise<Started> {
  const stops: Array<() => void> = [];
  let databaseUrl = process.env.DATABASE_URL;
  let redisUrl = process.env.REDIS_URL;
  if (!databaseUrl) {
    const pg = await ensurePostgres();
    databaseUrl = pg.url;
    stops.push(pg.stop);
  }
  if (!redisUrl) {
    const redis = await ensureRedis();
    redisUrl = redis.url;
    stops.push(redis.stop);
  }
  return { databaseUrl, redisUrl, stop: () => stops.reverse().forEach((stop) => stop()) };
}

export function chromiumPath(): string | null {
  for (const candidate of [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return which("chromium") ?? which("chromium-browser");
}

export function ensureChromium(): string {
  const found = chromiumPath();
  if (found) return found;
  aptInstall(["chromium"], "Chromium (for browser tests)");
  const again = chromiumPath();
  if (!again) throw new Error("Chromium is still missing. Install it with: sudo apt-get install -y chromium");
  return again;
}

export const CPU_COUNT = os.cpus().length;
