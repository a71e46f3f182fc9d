/** Terminal helpers: colours and a progress bar, only when the stream is a TTY (and NO_COLOR unset). */

type Stream = NodeJS.WriteStream;

export function useColor(stream: Stream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

function paint(code: number, stream: Stream) {
  return (s: string) => (useColor(stream) ? `\x1b[${code}m${s}\x1b[0m` : s);
}

export const color = {
  red: (s: string, stream: Stream = process.stderr) => paint(31, stream)(s),
  green: (s: string, stream: Stream = process.stdout) => paint(32, stream)(s),
  dim: (s: string, stream: Stream = process.stdout) => paint(2, stream)(s),
  bold: (s: string, stream: Stream = process.stdout) => paint(1, stream)(s),
};

/** A progress bar on stderr, drawn at most every 100 ms; a no-op unless stderr is a TTY. */
export function progress(label: string, total: number) {
  const stream = process.stderr;
  const active = Boolean(stream.isTTY) && total > 0;
  let last = 0;
  const draw = (done: number) => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    stream.write(
      `\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total}`,
    );
  };
  return {
    tick(done: number) {
      if (!active) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      draw(done);
    },
    done() {
      if (active) stream.write("\r\x1b[2K");
    },
  };
}

/** Left-aligned first column, right-aligned others. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join("  ");
  return [color.bold(line(header)), ...rows.map(line)].join("\n");
}

/** A score for humans: fixed 6 decimals, sign kept. */
export function fmt(x: number | undefined): string {
  return x === undefined ? "-" : x.toFixed(6);
}
