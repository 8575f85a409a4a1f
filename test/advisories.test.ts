// The acceptance journey through the HTTP API on each engine, then advisory revisions, diff,
// approval rules, files, embargo and the public side.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/authz/authorize.ts";
import { AlreadyPublicError } from "../src/modules/advisories/service.ts";
import { engines, type TestApp, testApp } from "./harness.ts";
import { assertCveRecord, csafMandatory, type Json, validCsafSchema, validOsvSchema } from "./validators.ts";

const SECTIONS = {
  summary:
    "An authentication bypass in the Acme Gateway admin console lets a remote attacker act as an administrator.",
  details: "## Root cause\n\nThe console trusts `X-Forwarded-User` from any client.\n",
  detection:
    'alert http any any -> any any (msg:"Acme admin bypass"; http.header; content:"X-Forwarded-User"; sid:1000001;)\n',
  poc: "```sh\ncurl -H 'X-Forwarded-User: admin' https://gateway/admin\n```\n",
  indicators: "- 203.0.113.7\n",
};
const PRODUCTS = [
  { vendor: "Acme", product: "Gateway", affected: ["4.2.0", "4.2.1"], fixed: ["4.2.2"] },
  {
    vendor: "Acme",
    product: "Gateway SDK",
    affected: ["1.8.0"],
    fixed: ["1.8.3"],
    purl: "pkg:npm/acme-gateway-sdk",
  },
];

describe.each(engines)("advisories on %s", (engine) => {
  let t: TestApp;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await testApp(engine);
    alice = await t.bearer((await t.user("coordinator")).email);
    bob = await t.bearer((await t.user("coordinator")).email);
    admin = await t.bearer((await t.user("admin")).email);
  });
  afterAll(() => t.close());

  const newCase = async () =>
    (
      await t.app.inject({
        method: "POST",
        url: "/api/reports",
        payload: {
          product: "Acme Gateway",
          version: "4.2.1",
          title: "Admin bypass",
          description: "Send X-Forwarded-User.",
        },
      })
    ).json();
  const newAdvisory = async (caseId: string, headers = alice) =>
    t.app.inject({
      method: "POST",
      url: "/api/advisories",
      headers,
      payload: {
        caseId,
        title: "Acme Gateway: authentication bypass",
        products: PRODUCTS,
        sections: SECTIONS,
      },
    });

  it("acceptance: report → case → phases → CVSS → advisory → CSAF/OSV/CVE exports; nothing public before release", async () => {
    // A report without an account becomes a case.
    const rep = await t.app.inject({
      method: "POST",
      url: "/api/reports",
      payload: {
        product: "Acme Gateway",
        version: "4.2.1",
        title: "Admin bypass",
        description: "# PoC\n\nSend `X-Forwarded-User`.",
      },
    });
    expect(rep.statusCode).toBe(201);
    const { caseId, trackingToken } = rep.json();
    expect(trackingToken).toEqual(expect.any(String));
    const got = await t.app.inject({ url: `/api/cases/${caseId}`, headers: alice });
    expect(got.json().phase).toBe("received");

    // Phases: an illegal jump is refused naming the allowed ones, the legal path works.
    const jump = await t.app.inject({
      method: "POST",
      url: `/api/cases/${caseId}/transitions`,
      headers: alice,
      payload: { to: "pre-release" },
    });
    expect(jump.statusCode).toBe(409);
    expect(jump.json().allowed).toEqual(["verified", "declined", "duplicate"]);
    for (const to of ["verified", "remediation"]) {
      const r = await t.app.inject({
        method: "POST",
        url: `/api/cases/${caseId}/transitions`,
        headers: alice,
        payload: { to },
      });
      expect(r.statusCode).toBe(200);
    }

    // CVSS 4.0: 9.3 as FIRST's calculator gives for this vector (CVSS v4.0 specification example).
    const cvss = await t.app.inject({
      method: "PUT",
      url: `/api/cases/${caseId}/cvss`,
      headers: alice,
      payload: { vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" },
    });
    expect(cvss.json()).toMatchObject({ version: "4.0", score: 9.3, severity: "critical" });
    await t.app.inject({
      method: "PATCH",
      url: `/api/cases/${caseId}`,
      headers: alice,
      payload: { cwe: "CWE-287" },
    });
    await t.app.inject({
      method: "PUT",
      url: `/api/cases/${caseId}/cve`,
      headers: alice,
      payload: { cveId: "CVE-2026-20001" },
    });
    await t.app.inject({
      method: "POST",
      url: `/api/cases/${caseId}/credits`,
      headers: alice,
      payload: { name: "Jane Finder", type: "finder" },
    });

    // An advisory with two products and all five sections, approved by a second person.
    const adv = await newAdvisory(caseId);
    expect(adv.statusCode, adv.body).toBe(201);
    const { id } = adv.json();
    await t.app.inject({ method: "POST", url: `/api/advisories/${id}/submit`, headers: alice });
    const approve = await t.app.inject({
      method: "POST",
      url: `/api/advisories/${id}/approve`,
      headers: bob,
    });
    expect(approve.statusCode, approve.body).toBe(200);

    // What a partner's copy carries beside the text (GET /api/partner/advisories/:id).
    expect(await t.services.advisories.identifiers(systemActor("t"), id)).toMatchObject({
      publishedAt: null,
      cveIds: ["CVE-2026-20001"],
      cvss: { version: "4.0", score: expect.any(Number), vector: expect.stringMatching(/^CVSS:4\.0\//) },
    });
    const exp = async (format: string) => {
      const r = await t.app.inject({ url: `/api/advisories/${id}/export?format=${format}`, headers: alice });
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as Json;
    };
    const csaf = await exp("csaf");
    expect(await csafMandatory(csaf)).toEqual([]);
    expect(validCsafSchema(csaf)).toEqual([]);
    expect(csaf.document.distribution.tlp.label).toBe("AMBER");
    expect(csaf.document.notes).toHaveLength(5);
    expect(csaf.vulnerabilities[0]).toMatchObject({
      cve: "CVE-2026-20001",
      cwe: { id: "CWE-287", name: "Improper Authentication" },
    });
    const osv = await exp("osv");
    expect(validOsvSchema(osv)).toEqual([]);
    expect(osv.affected).toHaveLength(2);
    const cve = await exp("cve");
    assertCveRecord(cve, "CVE-2026-20001");
    expect(cve.containers.cna.affected).toHaveLength(2);
    expect(cve.containers.cna.metrics[0].cvssV4_0.baseScore).toBe(9.3);

    // The dashboard counts it.
    const overview = (await t.app.inject({ url: "/api/overview", headers: alice })).json();
    expect(overview.openCases).toBeGreaterThanOrEqual(1);
    expect(overview.advisories).toBeGreaterThanOrEqual(1);

    // Nothing of it is public before release.
    const publicSide = [
      "/api/public/advisories",
      "/feeds/advisories.atom",
      "/.well-known/csaf/provider-metadata.json",
      "/.well-known/csaf/white/index.txt",
      "/.well-known/csaf/white/changes.csv",
    ];
    for (const url of publicSide) {
      const r = await t.app.inject({ url });
      expect(r.statusCode, url).toBe(200);
      expect(r.body, url).not.toContain("Acme");
      expect(r.body, url).not.toContain(adv.json().trackingId);
    }
    expect((await t.app.inject({ url: `/api/public/advisories/${adv.json().trackingId}` })).statusCode).toBe(
      404,
    );
    const audit = await t.services.audit.list(systemActor("t"), { type: "advisory.exported" });
    expect(audit.entries.filter((e) => e.subject === id)).toHaveLength(3);

    // After release: listed, in the feed and the CSAF index, TLP WHITE, public sections only.
    t.clock.advance(60_000);
    // Without a release plan, publishing takes two coordinators: one asks, another confirms.
    const pub = await t.app.inject({
      method: "POST",
      url: `/api/advisories/${id}/publish`,
      headers: alice,
      payload: {},
    });
    expect(pub.statusCode, pub.body).toBe(202);
    const confirmed = await t.app.inject({
      method: "POST",
      url: `/api/advisories/${id}/publish/confirm`,
      headers: bob,
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    // Publishing again is refused with a typed error (the release engine treats it as done).
    await expect(t.services.advisories.publish(systemActor("t"), id)).rejects.toBeInstanceOf(
      AlreadyPublicError,
    );
    const tid = adv.json().trackingId as string;
    const list = (await t.app.inject({ url: "/api/public/advisories" })).json();
    expect(list.items.map((a: { trackingId: string }) => a.trackingId)).toEqual([tid]);
    const feed = (await t.app.inject({ url: "/feeds/advisories.atom" })).body;
    expect(feed).toContain(`<title>${tid}: Acme Gateway: authentication bypass</title>`);
    // Provider metadata with the fields CSAF 2.0 section 7.1.20 requires (no schema package ships it).
    const meta = (await t.app.inject({ url: "/.well-known/csaf/provider-metadata.json" })).json();
    expect(Object.keys(meta).sort()).toEqual([
      "canonical_url",
      "distributions",
      "last_updated",
      "list_on_CSAF_aggregators",
      "metadata_version",
      "mirror_on_CSAF_aggregators",
      "publisher",
      "role",
    ]);
    expect(meta).toMatchObject({ metadata_version: "2.0", role: "csaf_provider" });
    expect(meta.canonical_url).toMatch(/^https?:\/\/.+\/\.well-known\/csaf\/provider-metadata\.json$/);
    expect(meta.distributions[0].directory_url).toMatch(/\/\.well-known\/csaf\/white\/$/);
    const index = (await t.app.inject({ url: "/.well-known/csaf/white/index.txt" })).body;
    expect(index).toBe(`2026/${tid.toLowerCase()}.json\n`);
    const doc = (await t.app.inject({ url: `/.well-known/csaf/white/${index.trim()}` })).json();
    expect(doc.document.distribution.tlp.label).toBe("WHITE");
    expect(await csafMandatory(doc)).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain("curl -H");
    const page = (await t.app.inject({ url: `/api/public/advisories/${tid}` })).json();
    expect(page).toMatchObject({ cveId: "CVE-2026-20001", cvss: { score: 9.3 } });
    expect(page).not.toHaveProperty("poc");
  });

  it("makes immutable revisions, refuses stale edits, and diffs them line by line", async () => {
    const { caseId } = await newCase();
    const { id } = (await newAdvisory(caseId)).json();
    const edit = (revision: number, body: object) =>
      t.app.inject({
        method: "PUT",
        url: `/api/advisories/${id}`,
        headers: { ...alice, "if-match": `"${revision}"` },
        payload: body,
      });
    const r2 = await edit(1, {
      sections: { details: `${SECTIONS.details}\nAlso affects the API port.\n` },
      changeNote: "API port",
    });
    expect(r2.statusCode, r2.body).toBe(200);
    expect(r2.json()).toEqual({ id, revision: 2, state: "draft" });
    const stale = await edit(1, { title: "Lost update" });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.details.currentRevision).toBe(2);
    const r1 = (await t.app.inject({ url: `/api/advisories/${id}?revision=1`, headers: alice })).json();
    expect(r1.revision.sections.details).toBe(SECTIONS.details);
    const diff = (
      await t.app.inject({ url: `/api/advisories/${id}/diff?from=1&to=2`, headers: alice })
    ).json();
    expect(diff.fields.map((f: { field: string }) => f.field)).toEqual(["sections.details"]);
    const added = diff.fields[0].changes
      .filter((c: { added: boolean }) => c.added)
      .map((c: { value: string }) => c.value);
    expect(added.join("")).toContain("Also affects the API port.");
    // This case has no CVE ID: the CVE export gives the CNA container and says what is missing.
    const cve = await t.app.inject({ url: `/api/advisories/${id}/export?format=cve`, headers: alice });
    expect(cve.statusCode).toBe(200);
    expect(cve.headers.warning).toContain("no CVE ID yet");
    expect(cve.json().containers.cna.affected).toHaveLength(2);
    const bad = await edit(2, { sections: { poc: "```sh\nno closing fence\n" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain("unclosed code fence");
    expect(
      (await t.app.inject({ url: `/api/advisories/${id}`, headers: alice })).json().currentRevision,
    ).toBe(2);
  });

  it("needs a second person to approve, and an edit after approval returns it to draft", async () => {
    const { caseId } = await newCase();
    const { id } = (await newAdvisory(caseId)).json();
    const submit = (h: Record<string, string>) =>
      t.app.inject({ method: "POST", url: `/api/advisories/${id}/submit`, headers: h });
    const approve = (h: Record<string, string>) =>
      t.app.inject({ method: "POST", url: `/api/advisories/${id}/approve`, headers: h });
    // A draft is not approvable: 409 naming the state and the next step.
    const draft = await approve(bob);
    expect(draft.statusCode).toBe(409);
    expect(draft.json().error.message).toMatch(/is draft: submit it for review first/);
    expect((await submit(alice)).json().state).toBe("in_review");
    const own = await approve(alice);
    expect(own.statusCode).toBe(403);
    const back = await t.app.inject({
      method: "POST",
      url: `/api/advisories/${id}/request-changes`,
      headers: bob,
      payload: { comment: "Name the fixed SDK version" },
    });
    expect(back.json().state).toBe("draft");
    expect((await approve(bob)).statusCode).toBe(409);
    await submit(alice);
    expect((await approve(bob)).json().state).toBe("approved");
    // The author and the reviewer by name, not by user ID.
    const me = async (h: Record<string, string>) =>
      (await t.app.inject({ url: "/api/me", headers: h })).json().user;
    const [au, bu] = [await me(alice), await me(bob)];
    const seen = (await t.app.inject({ url: `/api/advisories/${id}`, headers: alice })).json();
    expect(seen.reviews.at(-1).reviewerId).toBe(bu.id);
    expect(seen.people[bu.id]).toEqual({ name: bu.name, email: bu.email });
    expect(seen.people[au.id]).toEqual({ name: au.name, email: au.email });
    // Publishing needs approval; an edit after approval goes back to draft, and bob's new revision needs alice.
    await t.app.inject({
      method: "PUT",
      url: `/api/advisories/${id}`,
      headers: bob,
      payload: { revision: 1, title: "Retitled" },
    });
    const a = (await t.app.inject({ url: `/api/advisories/${id}`, headers: alice })).json();
    expect(a.state).toBe("draft");
    expect(
      (
        await t.app.inject({
          method: "POST",
          url: `/api/advisories/${id}/publish`,
          headers: alice,
          payload: {},
        })
      ).statusCode,
    ).toBe(409);
    await submit(bob);
    expect((await approve(bob)).statusCode).toBe(403);
    expect((await approve(alice)).statusCode).toBe(200);
  });

  it("restricts content to a level, keeps detection and PoC files sealed, audits every read", async () => {
    const { caseId } = await newCase();
    const { id } = (await newAdvisory(caseId)).json();
    // Sections (the PoC above all) are sealed at rest.
    const raw = JSON.stringify(
      await t.database.db.execute(`SELECT sections FROM advisory_revisions WHERE advisory_id = '${id}'`),
    );
    expect(raw).not.toContain("curl -H");
    expect(raw).not.toContain("203.0.113.7");
    const lvl = (
      await t.app.inject({ url: `/api/advisories/${id}/content?level=detection`, headers: alice })
    ).json();
    expect(lvl.sections).toMatchObject({ summary: SECTIONS.summary, detection: SECTIONS.detection, poc: "" });
    const boundary = "----fw";
    const rule = 'rule acme_bypass { strings: $h = "X-Forwarded-User" condition: $h }\n';
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="acme.yar"\r\n\r\n${rule}\r\n--${boundary}--\r\n`;
    const up = await t.app.inject({
      method: "POST",
      url: `/api/advisories/${id}/files?section=detection`,
      headers: { ...alice, "content-type": `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    expect(up.statusCode, up.body).toBe(201);
    const png = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(16)]);
    const badUp = await t.app.inject({
      method: "POST",
      url: `/api/advisories/${id}/files?section=detection`,
      headers: { ...alice, "content-type": `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="rule.yar"\r\n\r\n`,
        ),
        png,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]),
    });
    expect(badUp.statusCode).toBe(415);
    const dl = await t.app.inject({ url: `/api/advisories/${id}/files/${up.json()[0].id}`, headers: alice });
    expect(dl.body).toBe(rule);
    const audit = await t.services.audit.list(systemActor("t"), {});
    const types = audit.entries.filter((e) => e.subject === id).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(["advisory.viewed", "advisory.file_added", "advisory.file_downloaded"]),
    );
  });

  it("meters a text being written for tracing and proposes alternatives that no staff or public rendering shows", async () => {
    const summary =
      "A remote attacker {{could|might}} gain administrator rights. We identified the flaw in an audit.";
    const details =
      "<!-- forewarn:protect Acme Gateway -->\nThe console trusts a header; an attacker who sends it is admitted.";
    const meter = await t.app.inject({
      method: "POST",
      url: "/api/advisories/tracing-meter",
      headers: alice,
      payload: { sections: { summary, details } },
    });
    expect(meter.statusCode, meter.body).toBe(200);
    const m = meter.json();
    expect(m.points.author).toBe(1);
    expect(m.points.total).toBe(m.points.visible + m.points.invisible);
    expect(m.needed.map((n: { leakers: number }) => n.leakers)).toEqual([1, 2, 3]);
    // Offsets are into the section sent; accepting writes the markup there.
    for (const p of m.proposals as {
      section: "summary" | "details";
      start: number;
      end: number;
      text: string;
    }[])
      expect({ summary, details }[p.section].slice(p.start, p.end)).toBe(p.text);
    expect(m.proposals.map((p: { markup: string }) => p.markup)).toContain("{{identified|found}}");
    const partner = await t.bearer((await t.user("partner_analyst")).email);
    const refused = await t.app.inject({
      method: "POST",
      url: "/api/advisories/tracing-meter",
      headers: partner,
      payload: { sections: { summary } },
    });
    expect(refused.statusCode).toBe(403);
    const big = await t.app.inject({
      method: "POST",
      url: "/api/advisories/tracing-meter",
      headers: alice,
      payload: { sections: { summary: "x ".repeat(2501) } },
    });
    expect(big.statusCode).toBe(400);

    const { caseId } = await newCase();
    const created = await t.app.inject({
      method: "POST",
      url: "/api/advisories",
      headers: alice,
      payload: {
        caseId,
        title: "Acme Gateway: rights",
        products: PRODUCTS,
        sections: { ...SECTIONS, summary, details },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const preview = await t.app.inject({ url: `/api/advisories/${id}/content?level=full`, headers: alice });
    expect(preview.json().sections.summary).toBe(
      "A remote attacker could gain administrator rights. We identified the flaw in an audit.",
    );
    expect(preview.json().sections.details).toBe(
      "The console trusts a header; an attacker who sends it is admitted.",
    );
    for (const format of ["csaf", "osv", "cve"]) {
      const out = await t.app.inject({
        url: `/api/advisories/${id}/export?format=${format}`,
        headers: alice,
      });
      if (out.statusCode !== 200) continue; // CVE JSON needs a CVE ID; the other two always export.
      expect(out.body).toContain("could gain");
      expect(out.body).not.toContain("might");
      expect(out.body).not.toContain("{{");
      expect(out.body).not.toContain("forewarn:");
    }
    // The editor still holds the markup: only renderings resolve it.
    expect(
      (await t.app.inject({ url: `/api/advisories/${id}`, headers: alice })).json().revision.sections.summary,
    ).toBe(summary);
  });

  it("refuses bad advisories without storing anything", async () => {
    const { caseId } = await newCase();
    const before = (await t.app.inject({ url: "/api/advisories", headers: alice })).json().items.length;
    const both = await t.app.inject({
      method: "POST",
      url: "/api/advisories",
      headers: alice,
      payload: {
        caseId,
        title: "X",
        products: [{ vendor: "A", product: "B", affected: ["1.0"], fixed: ["1.0"] }],
        sections: SECTIONS,
      },
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.message).toContain("both affected and fixed");
    const noCase = await newAdvisory("cas_00000000000000000000000000");
    expect(noCase.statusCode).toBe(400);
    const big = await t.app.inject({
      method: "POST",
      url: "/api/advisories",
      headers: alice,
      payload: {
        caseId,
        title: "X",
        products: PRODUCTS,
        sections: { ...SECTIONS, summary: "x".repeat(5001) },
      },
    });
    expect(big.statusCode).toBe(400);
    expect((await t.app.inject({ url: "/api/advisories", headers: alice })).json().items).toHaveLength(
      before,
    );
    expect((await t.app.inject({ url: "/api/advisories", headers: admin })).statusCode).toBe(403);
  });
});
