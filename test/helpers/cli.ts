import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../platform/testing/temp-dir';

export const CONCORD_BIN = join(REPO_ROOT, 'bin', 'concord.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `concord` CLI as a child process and collects its output. The timeout is a guard against hangs, not
 * a speed check: by default just under Jest's testTimeout (180 s), so a loaded machine is not a failure and a hang
 * still reports the child's stderr before Jest gives up.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 170_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CONCORD_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`concord ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
