// The embedded database lives inside one server process. While a server runs on a data folder, it
// holds DATA_DIR/server.lock and listens on DATA_DIR/control.sock (owner-only), and CLI commands such
// as `forewarn admin create` run inside that server instead of opening the database a second time.
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { join } from "node:path";

export type ControlResult = { exitCode: number; out: string[]; err: string[] };
export type ControlHandler = (command: string, args: Record<string, unknown>) => Promise<ControlResult>;

const lockFile = (dir: string) => join(dir, "server.lock");
const socketFile = (dir: string) => join(dir, "control.sock");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The PID of a live server holding the data folder, or null (a stale lock is ignored). */
export function runningServer(dir: string): number | null {
  if (!existsSync(lockFile(dir))) return null;
  const pid = Number(readFileSync(lockFile(dir), "utf8").trim());
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : null;
}

export async function holdDataDir(
  dir: string,
  handler: ControlHandler,
): Promise<{ release(): Promise<void> }> {
  const other = runningServer(dir);
  if (other)
    throw new Error(
      `another forewarn server (pid ${other}) is using ${dir}; stop it or choose another --data`,
    );
  writeFileSync(lockFile(dir), `${process.pid}\n`, { mode: 0o600 });
  rmSync(socketFile(dir), { force: true });
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      const { command, args } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        command: string;
        args: Record<string, unknown>;
      };
      const result = await handler(command, args ?? {});
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
    } catch (e) {
      res.writeHead(200).end(JSON.stringify({ exitCode: 1, out: [], err: [(e as Error).message] }));
    }
  });
  await new Promise<void>((resolve) => server.listen(socketFile(dir), resolve));
  chmodSync(socketFile(dir), 0o600);
  return {
    async release() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(socketFile(dir), { force: true });
      rmSync(lockFile(dir), { force: true });
    },
  };
}

export function sendToServer(
  dir: string,
  command: string,
  args: Record<string, unknown>,
): Promise<ControlResult> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socketFile(dir), method: "POST", path: "/run" }, async (res) => {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as ControlResult);
      } catch (e) {
        reject(e);
      }
    });
    req.on("error", (e) =>
      reject(new Error(`cannot reach the running server through ${socketFile(dir)}: ${e.message}`)),
    );
    req.end(JSON.stringify({ command, args }));
  });
}
