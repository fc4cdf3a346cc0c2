// A progress line on stderr when it is a terminal and the input is a file (lines done, lines per second, and
// with a known total a bar, percent and ETA); silent otherwise.
export interface Progress {
  tick(done: number): void;
  end(done: number): void;
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function progress(stream: NodeJS.WritableStream & { isTTY?: boolean }, label: string, enabled = true, total?: number, unit = 'lines'): Progress {
  const start = Date.now();
  let last = 0;
  const show = (done: number, final: boolean) => {
    const s = (Date.now() - start) / 1000;
    const rate = done / Math.max(s, 1e-3);
    let line = `${label}: ${done} ${unit}, ${s.toFixed(1)} s, ${rate.toFixed(0)} ${unit}/s`;
    if (total !== undefined && total > 0) {
      const f = Math.min(1, done / total);
      const bar = '#'.repeat(Math.round(f * 24)).padEnd(24, '.');
      const eta = done > 0 ? `, ETA ${clock((total - done) / rate)}` : '';
      line = `${label}: [${bar}] ${done}/${total} ${unit} (${(f * 100).toFixed(0)} %), ${clock(s)}${final ? '' : eta}`;
    }
    stream.write(stream.isTTY ? `\r${line}${final ? '\n' : ''}` : final ? `${line}\n` : '');
  };
  return {
    tick(done) {
      if (!enabled || !stream.isTTY || Date.now() - last < 200) return;
      last = Date.now();
      show(done, false);
    },
    end(done) {
      if (enabled) show(done, true);
    },
  };
}
