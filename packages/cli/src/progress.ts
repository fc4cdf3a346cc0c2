// A progress line on stderr when it is a terminal and the input is a file (lines done, lines per second);
// silent otherwise.
export interface Progress {
  tick(done: number): void;
  end(done: number): void;
}

export function progress(stream: NodeJS.WritableStream & { isTTY?: boolean }, label: string, enabled = true): Progress {
  const start = Date.now();
  let last = 0;
  const show = (done: number, final: boolean) => {
    const s = (Date.now() - start) / 1000;
    const line = `${label}: ${done} lines, ${s.toFixed(1)} s, ${(done / Math.max(s, 1e-3)).toFixed(0)} lines/s`;
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
