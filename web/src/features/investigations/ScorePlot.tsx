// Every scored recipient's score divided by its threshold as a histogram (log-scaled counts), with
// the threshold marked: bars at 1 or above are recipients who pass it.
import type { Findings } from "./model.ts";

export function ScorePlot({ f }: { f: Findings }) {
  const w = 560;
  const h = 140;
  const max = Math.max(1, ...f.distribution.map((b) => b.count));
  const bw = w / Math.max(1, f.distribution.length);
  const tx = (2 / 3) * w;
  return (
    <svg
      role="img"
      aria-label={`Every recipient's score divided by its threshold: ${f.distribution
        .filter((b) => b.count)
        .map((b) => `${b.count} between ${b.from} and ${b.to}`)
        .join("; ")}. Recipients at 1 or above pass the threshold.`}
      viewBox={`0 0 ${w} ${h}`}
      width="100%"
      style={{ maxWidth: w }}
    >
      {f.distribution.map((b, i) => {
        const bh = b.count ? Math.max(2, (Math.log10(b.count + 1) / Math.log10(max + 1)) * (h - 30)) : 0;
        return (
          <rect
            key={b.from}
            x={i * bw}
            y={h - 20 - bh}
            width={bw - 1}
            height={bh}
            fill={b.from >= 1 ? "#c92a2a" : "#1971c2"}
          />
        );
      })}
      <line x1={tx} x2={tx} y1={0} y2={h - 20} stroke="currentColor" strokeDasharray="4 2" />
      <text x={tx + 4} y={12} fontSize={11} fill="currentColor">
        threshold
      </text>
      <text x={0} y={h - 4} fontSize={11} fill="currentColor">
        score ÷ threshold: −1
      </text>
      <text x={w - 24} y={h - 4} fontSize={11} fill="currentColor">
        2+
      </text>
    </svg>
  );
}
