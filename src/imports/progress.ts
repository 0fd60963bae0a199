import type { Progress } from './engine.ts';

/**
 * The import's progress on stderr: on a terminal one line redrawn in place
 * (`orders [██████░░░░] 61.0 %  610,000/1,000,000 rows  8,412 rows/s  ETA 0:46`),
 * otherwise (a log file, CI) a plain line every few seconds.
 */
export interface ProgressBar {
  update(progress: Progress): void;
  /** Ends the line (terminal) and prints the final state. */
  done(progress: Progress): void;
}

const number = new Intl.NumberFormat('en-US');

function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function describeProgress(label: string, p: Progress, width = 24): { bar: string; text: string } {
  const processed = p.rowsDone + p.rowsFailed;
  const fraction = p.rowsTotal > 0 ? Math.min(1, processed / p.rowsTotal) : 1;
  const filled = Math.round(fraction * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  const failed = p.rowsFailed ? `  ${number.format(p.rowsFailed)} failed` : '';
  const text =
    `${label} ${(fraction * 100).toFixed(1).padStart(5)} %  ${number.format(processed)}/${number.format(p.rowsTotal)} rows  ` +
    `${number.format(p.rowsPerSecond)} rows/s  ETA ${duration(p.etaSeconds)}${failed}`;
  return { bar, text };
}

export function progressBar(stream: NodeJS.WriteStream, label: string, opts: { intervalMs?: number } = {}): ProgressBar {
  const tty = Boolean(stream.isTTY);
  const interval = opts.intervalMs ?? (tty ? 100 : 5000);
  let last = 0;
  const draw = (p: Progress, final: boolean) => {
    const { bar, text } = describeProgress(label, p);
    if (tty) {
      const [head, ...tail] = text.split(' ');
      stream.write(`\r\x1b[2K${head} [${bar}] ${tail.join(' ')}${final ? '\n' : ''}`);
    } else stream.write(`${text}\n`);
  };
  return {
    update(p) {
      const now = Date.now();
      if (now - last < interval) return;
      last = now;
      draw(p, false);
    },
    done(p) {
      draw(p, true);
    },
  };
}
