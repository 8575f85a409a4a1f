// Browser-test harness: a real `forewarn serve` process on a free port with its own data folder,
// Debian's Chromium driven by playwright-core, and a small cookie-keeping API client for set-up steps.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import * as OTPAuth from "otpauth";
import { type Browser, chromium, type Page } from "playwright-core";

const ROOT = path.resolve(import.meta.dirname, "../..");
const NODE = path.join(ROOT, "node_modules/.bin/node");
const MAIN = path.join(ROOT, "src/main.ts");
export const ARTIFACTS = path.join(ROOT, "test-artifacts");

export type RunningServer = {
  url: string;
  dataDir: string;
  /** Everything the server printed so far, for failure messages. */
  output(): string;
  /**
   * Confirms the pending role grant of the user with this email as a second administrator (made by
   * the CLI beside the first): an admin's request for a sensitive role needs another person.
   */
  confirm(email: string): Promise<void>;
  stop(): Promise<void>;
};

/** The second administrator every test server has, to confirm the role grants the first one asks for. */
export const SECOND_ADMIN = {
  email: "second.admin@forewarn.test",
  password: "second administrator passphrase 9",
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The environment for the server: the embedded database, whatever the developer's shell has set. */
function serverEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FOREWARN_LOG_LEVEL: "warn", ...extra };
  delete env.DATABASE_URL;
  return env;
}

function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [MAIN, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`forewarn ${args.join(" ")} exited with ${code}:\n${out}`));
    });
  });
}

/** Create the first admin in a fresh data folder, then start `forewarn serve` and wait until it listens. */
export async function startServer(admin: { email: string; password: string }): Promise<RunningServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "forewarn-e2e-"));
  await run(
    ["admin", "create", "--email", admin.email, "--data", dataDir, "--init"],
    serverEnv({ FOREWARN_PASSWORD: admin.password }),
  );
  await run(
    ["admin", "create", "--email", SECOND_ADMIN.email, "--data", dataDir],
    serverEnv({ FOREWARN_PASSWORD: SECOND_ADMIN.password }),
  );

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    NODE,
    [MAIN, "serve", "--host", "127.0.0.1", "--port", String(port), "--data", dataDir],
    {
      cwd: ROOT,
      env: serverEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d;
      if (output.includes(`listening on ${url}`)) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`forewarn serve exited with ${code} before listening:\n${output}`)),
    );
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`forewarn serve did not print "listening on ${url}" in 30 s:\n${output}`)),
      30_000,
    ),
  );
  try {
    await Promise.race([listening, timeout]);
  } catch (e) {
    await stopChild(child);
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }

  return {
    url,
    dataDir,
    output: () => output,
    async confirm(email: string) {
      const second = new ApiSession(url);
      await second.login(SECOND_ADMIN.email, SECOND_ADMIN.password);
      const grants = await second.request<{ users: { id: string; email: string }[] }>(
        "GET",
        "/api/role-grants",
      );
      const user = grants.body.users.find((u) => u.email.toLowerCase() === email.toLowerCase());
      if (!user) throw new Error(`no pending role grant for ${email}: ${JSON.stringify(grants.body)}`);
      const r = await second.request("POST", `/api/users/${user.id}/confirm`, {});
      if (r.status !== 200)
        throw new Error(`confirming ${email} answered ${r.status}: ${JSON.stringify(r.body)}`);
    },
    async stop() {
      await stopChild(child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export type Credentials = { email: string; password: string };

/**
 * Signs in through the login form, as a person would. Without `path` it opens the login page and
 * waits for the programme overview. With `path` it opens that page, is sent to the login form
 * (`/login?next=…`), and waits until it is back on `path` once signed in. An account with two-factor
 * authentication gives its second step as `recoveryCode`.
 */
export async function signIn(
  page: Page,
  baseUrl: string,
  who: Credentials,
  opts: { path?: string; recoveryCode?: string } = {},
): Promise<void> {
  const { path: to, recoveryCode } = opts;
  await page.goto(`${baseUrl}${to ?? "/login"}`);
  if (to !== undefined)
    await page.waitForURL(
      (url) => url.pathname === "/login" && url.search === `?next=${encodeURIComponent(to)}`,
    );
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel(/^Password/).fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (recoveryCode !== undefined) {
    await page.getByRole("button", { name: "Use a recovery code instead" }).click();
    await page.getByLabel("Recovery code").fill(recoveryCode);
    await page.getByRole("button", { name: "Verify" }).click();
  }
  if (to === undefined) await page.getByRole("heading", { name: "Programme overview" }).waitFor();
  else await page.waitForURL((url) => url.pathname === to);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
let axeSource: Promise<string> | undefined;

type AxeViolation = {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; html: string; failureSummary?: string }[];
};

/**
 * Scans what the page shows now with axe-core against WCAG 2.1 A and AA, and fails with a readable
 * list of the violations (rule, impact, selectors, a short piece of the markup) when there are any.
 * `label` names the page (or the dialog) in the failure message.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  // A dialog still fading in would be measured at part opacity: wait for transitions to end
  // (not for endless ones, such as a loader's spin).
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((a) => a.playState !== "running" || a.effect?.getComputedTiming().endTime === Infinity),
  );
  // The page's Content-Security-Policy does not apply to scripts the test driver evaluates.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(await axeSource);
  const violations = await page.evaluate(async (tags) => {
    // biome-ignore lint/suspicious/noExplicitAny: axe-core is injected into the page at run time
    const axe = (window as any).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
    return result.violations as AxeViolation[];
  }, AXE_TAGS);
  if (violations.length === 0) return;
  const lines = violations.flatMap((v) => [
    `${v.id} (${v.impact ?? "no impact"}): ${v.help}, ${v.nodes.length} node(s)`,
    ...v.nodes.slice(0, 10).map((n) => {
      const html = n.html.replace(/\s+/g, " ");
      const detail = (n.failureSummary ?? "").split("\n").slice(1, 2).join("").trim();
      return `  ${n.target.join(" ")}: ${html.length > 120 ? `${html.slice(0, 117)}...` : html}${detail ? `\n    ${detail}` : ""}`;
    }),
    ...(v.nodes.length > 10 ? [`  ... and ${v.nodes.length - 10} more`] : []),
  ]);
  throw new Error(`accessibility violations on ${label} (${page.url()}):\n${lines.join("\n")}`);
}

/** A JSON client that keeps the session cookie and CSRF token, like the browser does. */
export class ApiSession {
  private cookie = "";
  csrfToken: string | null = null;

  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...(this.cookie ? { Cookie: this.cookie } : {}),
        ...(this.csrfToken && method !== "GET" ? { "X-CSRF-Token": this.csrfToken } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]);
    if (cookies.length > 0) this.cookie = cookies.join("; ");
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async login(email: string, password: string, extra: { totp?: string; recoveryCode?: string } = {}) {
    const res = await this.request<{ csrfToken: string }>("POST", "/api/auth/login", {
      email,
      password,
      ...extra,
    });
    if (res.status !== 200)
      throw new Error(`login as ${email} answered ${res.status}: ${JSON.stringify(res.body)}`);
    this.csrfToken = res.body.csrfToken;
  }
}

/**
 * Codes from an authenticator app. A server may refuse a code whose 30-second step was already
 * used (replay protection), so this waits for a fresh step instead of reusing one.
 */
export class Authenticator {
  private readonly totp: OTPAuth.TOTP;
  private readonly used = new Set<number>();

  constructor(secret: string) {
    this.totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
  }

  async code(): Promise<string> {
    let counter = this.totp.counter();
    while (this.used.has(counter)) {
      await new Promise((r) => setTimeout(r, this.totp.remaining() + 50));
      counter = this.totp.counter();
    }
    this.used.add(counter);
    return this.totp.generate();
  }
}
