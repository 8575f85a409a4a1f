// The investigation report as HTML and as PDF (pdfkit): evidence with hashes, method, findings with
// bounds, the score distribution of every recipient against the threshold (plot), the exposure
// timeline (plot), the coincidence analysis and the audit references. Pure: data in, document out.
import PDFDocument from "pdfkit";
import type { Exposure } from "./exposure.ts";
import type { Findings } from "./findings.ts";

export type ReportData = {
  investigation: {
    id: string;
    title: string;
    advisoryId: string | null;
    observedAt: Date | null;
    status: string;
    conclusion: string | null;
    createdAt: Date;
  };
  evidence: {
    id: string;
    name: string;
    mediaType: string;
    size: number;
    sha256: string;
    source: string | null;
    foundAt: Date | null;
  }[];
  findings: Findings;
  exposure: Exposure;
  audit: { seq: number; type: string; at: Date; hash: string }[];
  generatedAt: Date;
};

export const METHOD = [
  "Each recipient's copy carries a fingerprint: a Tardos codeword spread over meaning-preserving variations of the prose, the detection rules and proofs of concept, and invisible marks between words, keyed per advisory revision.",
  "The evidence is normalised (Unicode NFKC, look-alike letters folded, format characters and soft hyphens dropped), the passages that come from the advisory are located, and the variation chosen at each point is read.",
  "Every delivered recipient (organisations and members, whatever their partner's status now) is scored, over all points and per layer group; a recipient is accused only when its score passes a threshold that a Chernoff bound certifies: the chance that an innocent recipient scores as high is at most the stated bound (ε₁ per recipient, shared between decoders, layers and revisions by a union bound).",
  "When the investigation names no advisory, the evidence's word 5-shingles are matched against an index of every delivered revision.",
  "A quoted excerpt of a recipient's copy is enough to implicate that recipient: the findings say whose copy the marks come from, not who leaked it.",
];

const iso = (d: Date | null) => (d ? d.toISOString().replace(".000Z", "Z") : "—");
const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
const sci = (x: number) => (x === 0 ? "0" : x < 1e-3 ? x.toExponential(1) : x.toPrecision(2));

function scoreSvg(f: Findings): string {
  const w = 600;
  const h = 180;
  const max = Math.max(1, ...f.distribution.map((b) => b.count));
  const bw = w / f.distribution.length;
  const bars = f.distribution
    .map((b, i) => {
      const bh = b.count ? Math.max(2, (Math.log10(b.count + 1) / Math.log10(max + 1)) * (h - 30)) : 0;
      return `<rect x="${(i * bw).toFixed(1)}" y="${(h - 20 - bh).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${bh.toFixed(1)}" fill="${b.from >= 1 ? "#c92a2a" : "#1971c2"}"><title>${b.from} to ${b.to}: ${b.count}</title></rect>`;
    })
    .join("");
  const tx = ((1 - -1) / 3) * w;
  return `<svg role="img" aria-label="Histogram of every recipient's score divided by its threshold; recipients at or right of the line at 1 pass it" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">${bars}<line x1="${tx}" x2="${tx}" y1="0" y2="${h - 20}" stroke="#000" stroke-dasharray="4 2"/><text x="${tx + 4}" y="12" font-size="11">threshold</text><text x="0" y="${h - 4}" font-size="11">score/threshold -1</text><text x="${w - 30}" y="${h - 4}" font-size="11">2+</text></svg>`;
}

function timelineSvg(x: Exposure): string {
  const times = [
    ...x.waves.map((w) => w.at.getTime()),
    ...x.recipients.map((r) => r.deliveredAt.getTime()),
    ...(x.publicAt ? [x.publicAt.getTime()] : []),
    ...(x.observedAt ? [x.observedAt.getTime()] : []),
  ];
  if (times.length === 0) return "<p>No deliveries to plot.</p>";
  const w = 600;
  const h = 140;
  const lo = Math.min(...times);
  const hi = Math.max(...times, lo + 3_600_000);
  const px = (t: number) => 20 + ((t - lo) / (hi - lo)) * (w - 40);
  const marks: string[] = [];
  for (const wv of x.waves)
    marks.push(
      `<line x1="${px(wv.at.getTime())}" x2="${px(wv.at.getTime())}" y1="20" y2="${h - 30}" stroke="#1971c2"/><text x="${px(wv.at.getTime()) + 2}" y="30" font-size="10">wave ${esc(wv.tier ?? "")}</text>`,
    );
  if (x.publicAt)
    marks.push(
      `<line x1="${px(x.publicAt.getTime())}" x2="${px(x.publicAt.getTime())}" y1="10" y2="${h - 30}" stroke="#2b8a3e" stroke-width="2"/><text x="${px(x.publicAt.getTime()) - 20}" y="10" font-size="10">T0</text>`,
    );
  if (x.observedAt)
    marks.push(
      `<line x1="${px(x.observedAt.getTime())}" x2="${px(x.observedAt.getTime())}" y1="10" y2="${h - 30}" stroke="#c92a2a" stroke-width="2"/><text x="${px(x.observedAt.getTime()) + 2}" y="${h - 34}" font-size="10">observed</text>`,
    );
  for (const r of x.recipients) {
    marks.push(`<circle cx="${px(r.deliveredAt.getTime())}" cy="${h - 50}" r="3" fill="#495057"/>`);
    for (const rd of r.reads)
      marks.push(`<circle cx="${px(rd.at.getTime())}" cy="${h - 40}" r="2" fill="#e8590c"/>`);
  }
  return `<svg role="img" aria-label="Exposure timeline: waves, deliveries (grey), reads (orange), T0 and the observed exploitation" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">${marks.join("")}<text x="20" y="${h - 8}" font-size="10">${esc(iso(new Date(lo)))}</text><text x="${w - 140}" y="${h - 8}" font-size="10">${esc(iso(new Date(hi)))}</text></svg>`;
}

const verdictText = (f: Findings) =>
  f.verdict === "accused"
    ? `accused: ${f.accused.map((a) => `${a.recipientId} (${a.kind} of ${a.partnerName})`).join(", ")}`
    : f.verdict === "no_match"
      ? "no match: the evidence does not come from any delivered advisory"
      : "inconclusive: nobody passes the threshold";

const row = (cells: string[]) => `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
const head = (cells: string[]) => `<tr>${cells.map((c) => `<th scope="col">${c}</th>`).join("")}</tr>`;

/** The report as one self-contained HTML page. */
export function reportHtml(d: ReportData): string {
  const f = d.findings;
  const x = d.exposure;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Investigation report: ${esc(d.investigation.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem;text-align:left;font-size:.9rem}code{word-break:break-all}</style></head>
<body><main>
<h1>Investigation report: ${esc(d.investigation.title)}</h1>
<p>Investigation <code>${esc(d.investigation.id)}</code>, ${esc(d.investigation.status)}, opened ${esc(iso(d.investigation.createdAt))}; advisory ${esc(d.investigation.advisoryId ?? (f.advisoryIds.join(", ") || "not identified"))}; first exploitation observed ${esc(iso(d.investigation.observedAt))}. Generated ${esc(iso(d.generatedAt))}. CONFIDENTIAL.</p>
${d.investigation.conclusion ? `<h2>Conclusion</h2><p>${esc(d.investigation.conclusion)}</p>` : ""}
<h2>Verdict</h2><p><strong>${esc(verdictText(f))}</strong></p>
<p>${f.observedPoints} points observed in ${f.evidenceWords} words of evidence; ${f.recipientCount} delivered recipients scored; ε₁ = ${sci(f.epsilon)} per innocent recipient, ε = ε₁·n = ${sci(f.populationBound)} over all of them.</p>
<h2>Evidence</h2><table>${head(["name", "type", "bytes", "SHA-256", "source", "found"])}${d.evidence.map((e) => row([esc(e.name), esc(e.mediaType), String(e.size), `<code>${e.sha256}</code>`, esc(e.source ?? "—"), esc(iso(e.foundAt))])).join("")}</table>
<h2>Method</h2><ul>${METHOD.map((m) => `<li>${esc(m)}</li>`).join("")}</ul>
<h2>Accused</h2>${f.accused.length ? `<table>${head(["recipient", "kind", "partner", "score", "threshold", "bound"])}${f.accused.map((a) => row([esc(a.recipientId), a.kind, esc(`${a.partnerName} (${a.partnerStatus})`), a.score.toFixed(2), a.threshold.toFixed(2), sci(a.bound)])).join("")}</table>` : "<p>Nobody.</p>"}
${f.canaries.length ? `<h2>Canary hits (certain)</h2><ul>${f.canaries.map((h) => `<li>${esc(h.recipientId)} of ${esc(h.partnerName)}, ${esc(h.kind)} at ${esc(iso(h.at))}</li>`).join("")}</ul>` : ""}
<h2>Score distribution</h2><p>Every recipient's score divided by its threshold (log-scaled counts).</p>${scoreSvg(f)}
<h3>Top recipients</h3><table>${head(["recipient", "kind", "partner", "score", "threshold", "bound", "accused"])}${f.recipients.map((r) => row([esc(r.recipientId), r.kind, esc(r.partnerName), r.score.toFixed(2), r.threshold.toFixed(2), sci(r.bound), r.accused ? "yes" : "no"])).join("")}</table>
${f.warnings.length ? `<h2>Warnings</h2><ul>${f.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>` : ""}
<h2>Exposure timeline</h2>${timelineSvg(x)}
<p>By the observed time: ${x.byObserved.partners} partners and ${x.byObserved.members} members had a copy.</p>
<table>${head(["partner", "recipient", "content", "delivered", "first read", "reads", "acknowledged"])}${x.recipients.map((r) => row([esc(`${r.partnerName} (${r.partnerStatus})`), esc(`${r.recipientKind} ${r.recipientId}`), esc(r.sections.join(", ")), esc(iso(r.deliveredAt)), esc(iso(r.firstReadAt)), String(r.reads.length), esc(r.acks.map((a) => `${a.status} ${iso(a.at)}`).join("; ") || "—")])).join("")}</table>
<h3>Every read and download</h3>${readsHtml(x)}
<ul>${x.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>
<h2>Coincidence analysis</h2><p>${esc(x.coincidence.model)}</p><p><strong>${esc(x.coincidence.summary)}</strong></p>
<table>${head(["wave", "delivered", "days to observed", "P(independent start)"])}${x.coincidence.windows.map((w) => row([esc(w.tier ?? w.waveId), esc(iso(w.at)), w.days.toFixed(1), sci(w.probability)])).join("")}</table>
<p>Assumptions:</p><ul>${x.coincidence.assumptions.map((a) => `<li>${esc(a)}</li>`).join("")}</ul>
<h2>Audit references</h2><table>${head(["seq", "event", "at", "hash"])}${d.audit.map((a) => row([String(a.seq), esc(a.type), esc(iso(a.at)), `<code>${a.hash}</code>`])).join("")}</table>
</main></body></html>
`;
}

/** Text the standard PDF fonts can show (they are Latin-1). */
function latin(s: string): string {
  return s
    .replace(/ε₁/g, "eps1")
    .replace(/ε/g, "eps")
    .replace(/₁/g, "1")
    .replace(/[−–—]/g, "-")
    .replace(/≤/g, "<=")
    .replace(/≥/g, ">=")
    .replace(/·/g, "*")
    .replace(/[’‘]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[^\x20-\x7e\xa0-\xff\n]/g, "?");
}

/** The report as a PDF document. */
export function reportPdf(d: ReportData): Promise<Buffer> {
  const f = d.findings;
  const x = d.exposure;
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: { Title: latin(`Investigation report: ${d.investigation.title}`) },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));
  const h = (t: string) =>
    doc.moveDown(0.6).font("Helvetica-Bold").fontSize(13).text(latin(t)).font("Helvetica").fontSize(10);
  const p = (t: string) => doc.text(latin(t));
  doc
    .font("Helvetica-Bold")
    .fontSize(16)
    .text(latin(`Investigation report: ${d.investigation.title}`));
  doc.font("Helvetica").fontSize(10);
  p(
    `Investigation ${d.investigation.id}, ${d.investigation.status}, opened ${iso(d.investigation.createdAt)}. Advisory: ${d.investigation.advisoryId ?? (f.advisoryIds.join(", ") || "not identified")}. First exploitation observed: ${iso(d.investigation.observedAt)}. Generated ${iso(d.generatedAt)}. CONFIDENTIAL.`,
  );
  if (d.investigation.conclusion) {
    h("Conclusion");
    p(d.investigation.conclusion);
  }
  h("Verdict");
  p(verdictText(f));
  p(
    `${f.observedPoints} points observed in ${f.evidenceWords} words of evidence; ${f.recipientCount} delivered recipients scored; eps1 = ${sci(f.epsilon)} per innocent recipient, eps = eps1*n = ${sci(f.populationBound)} over all of them.`,
  );
  h("Evidence");
  for (const e of d.evidence)
    p(
      `${e.name} (${e.mediaType}, ${e.size} bytes) SHA-256 ${e.sha256}${e.source ? `, source ${e.source}` : ""}`,
    );
  h("Method");
  for (const m of METHOD) p(`- ${m}`);
  h("Accused");
  if (f.accused.length === 0) p("Nobody.");
  for (const a of f.accused)
    p(
      `${a.recipientId} (${a.kind} of ${a.partnerName}, ${a.partnerStatus}): score ${a.score.toFixed(2)}, threshold ${a.threshold.toFixed(2)}, bound ${sci(a.bound)}`,
    );
  if (f.canaries.length) {
    h("Canary hits (certain)");
    for (const c of f.canaries) p(`${c.recipientId} of ${c.partnerName}: ${c.kind} at ${iso(c.at)}`);
  }
  h("Score distribution (score / threshold, every recipient)");
  const top = doc.y + 5;
  const width = 480;
  const height = 100;
  const max = Math.max(1, ...f.distribution.map((b) => b.count));
  const bw = width / f.distribution.length;
  f.distribution.forEach((b, i) => {
    if (!b.count) return;
    const bh = Math.max(2, (Math.log10(b.count + 1) / Math.log10(max + 1)) * height);
    doc.rect(50 + i * bw, top + height - bh, bw - 1, bh).fill(b.from >= 1 ? "#c92a2a" : "#1971c2");
  });
  const tx = 50 + (2 / 3) * width;
  doc
    .moveTo(tx, top)
    .lineTo(tx, top + height)
    .dash(3, { space: 2 })
    .stroke("#000")
    .undash();
  doc.fillColor("#000").text("threshold", tx + 3, top, { lineBreak: false });
  doc.text("-1", 50, top + height + 3, { lineBreak: false });
  doc.text("2+", 50 + width - 12, top + height + 3, { lineBreak: false });
  doc.x = 50;
  doc.y = top + height + 18;
  h("Top recipients");
  for (const r of f.recipients)
    p(
      `${r.recipientId} (${r.kind}, ${r.partnerName}): score ${r.score.toFixed(2)} / threshold ${r.threshold.toFixed(2)}, bound ${sci(r.bound)}${r.accused ? ", ACCUSED" : ""}`,
    );
  if (f.warnings.length) {
    h("Warnings");
    for (const w of f.warnings) p(`- ${w}`);
  }
  h("Exposure timeline");
  const times = [...x.waves.map((w) => w.at.getTime()), ...x.recipients.map((r) => r.deliveredAt.getTime())];
  if (x.publicAt) times.push(x.publicAt.getTime());
  if (x.observedAt) times.push(x.observedAt.getTime());
  if (times.length) {
    if (doc.y > 650) doc.addPage();
    const t0 = doc.y + 5;
    const lo = Math.min(...times);
    const hi = Math.max(...times, lo + 3_600_000);
    const px = (t: number) => 50 + ((t - lo) / (hi - lo)) * width;
    doc
      .moveTo(50, t0 + 60)
      .lineTo(50 + width, t0 + 60)
      .stroke("#999");
    for (const w of x.waves)
      doc
        .moveTo(px(w.at.getTime()), t0)
        .lineTo(px(w.at.getTime()), t0 + 60)
        .stroke("#1971c2");
    for (const r of x.recipients) doc.circle(px(r.deliveredAt.getTime()), t0 + 45, 2).fill("#495057");
    for (const r of x.recipients)
      for (const rd of r.reads) doc.circle(px(rd.at.getTime()), t0 + 52, 1.5).fill("#e8590c");
    // The public release and the observed exploitation: thick lines across the whole timeline.
    const milestone = (at: Date, color: string) =>
      doc
        .moveTo(px(at.getTime()), t0)
        .lineTo(px(at.getTime()), t0 + 60)
        .lineWidth(2)
        .stroke(color)
        .lineWidth(1);
    if (x.publicAt) milestone(x.publicAt, "#2b8a3e");
    if (x.observedAt) milestone(x.observedAt, "#c92a2a");
    doc
      .fillColor("#000")
      .text(
        latin(
          `${iso(new Date(lo))}  ->  ${iso(new Date(hi))}: waves (blue), deliveries (grey), reads (orange), T0 (green), observed (red)`,
        ),
        50,
        t0 + 66,
      );
    doc.x = 50;
  }
  p(
    `By the observed time: ${x.byObserved.partners} partners and ${x.byObserved.members} members had a copy.`,
  );
  for (const r of x.recipients)
    p(
      `${r.partnerName} (${r.partnerStatus}), ${r.recipientKind} ${r.recipientId}: ${r.sections.join(", ")}; delivered ${iso(r.deliveredAt)}, first read ${iso(r.firstReadAt)}, ${r.reads.length} reads${r.acks.length ? `, acknowledged ${r.acks.map((a) => `${a.status} ${iso(a.at)}`).join("; ")}` : ""}`,
    );
  for (const r of x.recipients)
    for (const rd of r.reads)
      p(
        `${iso(rd.at)} ${rd.fileId ? `download of ${rd.fileId}` : "copy read"} by ${rd.actorId ?? "unknown"} (${r.partnerName}, ${r.recipientKind} ${r.recipientId}) from ${rd.ip ?? "address not recorded"}, ${rd.userAgent ?? "user agent not recorded"}`,
      );
  for (const n of x.notes) p(`Note: ${n}`);
  h("Coincidence analysis");
  p(x.coincidence.model);
  p(x.coincidence.summary);
  for (const w of x.coincidence.windows)
    p(
      `Wave ${w.tier ?? w.waveId} at ${iso(w.at)}: ${w.days.toFixed(1)} days to the observed time, P(independent start) = ${sci(w.probability)}`,
    );
  p("Assumptions:");
  for (const a of x.coincidence.assumptions) p(`- ${a}`);
  h("Audit references");
  for (const a of d.audit) p(`#${a.seq} ${a.type} at ${iso(a.at)} hash ${a.hash}`);
  doc.end();
  return done;
}

/** Every read and download, oldest first: time, what, who, address and user agent. */
function readsHtml(x: Exposure): string {
  const all = x.recipients
    .flatMap((r) => r.reads.map((rd) => ({ r, rd })))
    .sort((a, b) => a.rd.at.getTime() - b.rd.at.getTime());
  if (all.length === 0) return "<p>No reads recorded.</p>";
  return `<table>${head(["time", "what", "reader", "recipient", "address", "user agent"])}${all
    .map(({ r, rd }) =>
      row([
        esc(iso(rd.at)),
        esc(rd.fileId ? `download ${rd.fileId}` : "copy read"),
        esc(rd.actorId ?? "—"),
        esc(`${r.partnerName}, ${r.recipientKind} ${r.recipientId}`),
        esc(rd.ip ?? "not recorded"),
        esc(rd.userAgent ?? "not recorded"),
      ]),
    )
    .join("")}</table>`;
}
