import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { TEST_SECRET_KEY } from './harness.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
const vafaBin = path.join(repoRoot, 'bin/vafa.mjs');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** The environment a fresh shell would give `vafa`, without test-runner variables leaking in. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const key of Object.keys(base)) if (key.startsWith('VAFA_') || key === 'DATABASE_URL' || key === 'PORT' || key === 'NODE_TEST_CONTEXT') delete base[key];
  // An operator running Vafa on an external PostgreSQL sets VAFA_SECRET_KEY (config refuses to start without it).
  const secret = env.DATABASE_URL && !env.VAFA_SECRET_KEY ? { VAFA_SECRET_KEY: TEST_SECRET_KEY } : {};
  return { ...base, LOG_LEVEL: 'info', ...secret, ...env };
}

/** Runs `vafa <args>` to completion. */
export async function runVafa(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [vafaBin, ...args], { cwd: repoRoot, env: cleanEnv(env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

export interface RunningServer {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `vafa start` and waits until /health answers 200. */
export async function startVafaProcess(env: Record<string, string>, args: string[] = []): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [vafaBin, 'start', ...args], { cwd: repoRoot, env: cleanEnv({ PORT: String(port), HOST: '127.0.0.1', ...env }) });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vafa start exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    child,
    url,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
