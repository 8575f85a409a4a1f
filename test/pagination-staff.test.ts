// Cursor pagination of the staff lists (users, organisations, the partner directory, investigations) on
// each engine: walking the pages at any page size gives every row once in the stated order (ties on the
// sort key broken by ID), the filters and a partner user's scope hold on every page, and a cursor this
// list could not have returned is a 400 that says so.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../src/authz/authorize.ts";
import type { PartnerKind } from "../src/contract/enums.ts";
import { engines, type TestApp, testApp } from "./harness.ts";
import { walkPages } from "./pages.ts";

const SYS = systemActor("test");
const MINUTE = 60_000;

type Row = { id: string; at: number };
/** Expected order of rows by a time then the ID, both one way (the ID breaks ties). */
const byTimeThenId = (rows: Row[], dir: "asc" | "desc") =>
  [...rows]
    .sort((a, b) => (a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) * (dir === "asc" ? 1 : -1))
    .map((r) => r.id);

/** Walks at several page sizes; each walk must give exactly `expected`, in order, pages within the limit. */
async function walksExactly(
  t: TestApp,
  url: string,
  headers: Record<string, string>,
  expected: string[],
  limits = [1, 2, 3, 200],
) {
  for (const limit of limits) {
    const { ids, sizes } = await walkPages(t, url, headers, limit);
    expect(ids, `${url} at limit ${limit}`).toEqual(expected);
    expect(Math.max(0, ...sizes)).toBeLessThanOrEqual(limit);
    if (expected.length > limit) expect(sizes.length).toBe(Math.ceil(expected.length / limit));
  }
}

/** Cursors no list of this key shape returns: not base64url, not JSON, wrong arity, wrong kinds. */
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const FORGED = [
  "not-a-cursor!",
  "AAAA",
  b64({ at: "2026-03-01T12:00:00.000Z", id: "x" }),
  b64(["2026-03-01T12:00:00.000Z"]),
  b64(["2026-03-01T12:00:00.000Z", "usr_X", "extra"]),
  b64([12, 34]),
];

async function refusesCursors(t: TestApp, url: string, headers: Record<string, string>, extra: string[]) {
  for (const cursor of [...FORGED, ...extra]) {
    const sep = url.includes("?") ? "&" : "?";
    const res = await t.app.inject({ url: `${url}${sep}cursor=${encodeURIComponent(cursor)}`, headers });
    expect(res.statusCode, `${url} with ${cursor}`).toBe(400);
    expect(res.json().error.message, `${url} with ${cursor}`).toMatch(/cursor is not one this list returned/);
  }
}

describe.each(engines)("staff list pagination on %s", (engine) => {
  describe("users and organisations", () => {
    let t: TestApp;
    let admin: Record<string, string>;
    let coordinator: Record<string, string>;
    const users: Row[] = [];
    const orgs: Row[] = [];

    beforeAll(async () => {
      t = await testApp(engine);
      const start = t.clock.now().getTime();
      // The first staff user makes the programme organisation at the same instant.
      const first = await t.user("admin");
      users.push({ id: first.id, at: start });
      orgs.push({ id: first.organisationId, at: start });
      admin = await t.bearer(first.email);
      const at = async (ms: number, f: () => Promise<void>) => {
        t.clock.set(new Date(ms));
        await f();
      };
      // Three organisations and three users at one instant (ties on the creation time), then others.
      await at(start + MINUTE, async () => {
        for (let i = 0; i < 3; i++) {
          const o = await t.services.accounts.createOrganisation(SYS, { name: `Tied org ${i}` });
          orgs.push({ id: o.id, at: start + MINUTE });
          const u = await t.user("researcher", { organisationId: o.id });
          users.push({ id: u.id, at: start + MINUTE });
        }
      });
      for (let i = 2; i < 6; i++)
        await at(start + i * MINUTE, async () => {
          const o = await t.services.accounts.createOrganisation(SYS, { name: `Later org ${i}` });
          orgs.push({ id: o.id, at: start + i * MINUTE });
          users.push({ id: (await t.user("coordinator")).id, at: start + i * MINUTE });
          users.push({
            id: (await t.user("partner_analyst", { organisationId: o.id })).id,
            at: start + i * MINUTE,
          });
        });
      // The coordinator who is refused below, made here so every test sees the same accounts.
      await at(start + 6 * MINUTE, async () => {
        const u = await t.user("coordinator");
        users.push({ id: u.id, at: start + 6 * MINUTE });
        coordinator = await t.bearer(u.email);
      });
      t.clock.set(new Date(start));
    });
    afterAll(() => t.close());

    it("walks every user once, oldest first, the ID breaking ties", async () => {
      expect(users).toHaveLength(13);
      await walksExactly(t, "/api/users", admin, byTimeThenId(users, "asc"));
      const first = (await t.app.inject({ url: "/api/users?limit=200", headers: admin })).json();
      const times = first.items.map((u: { createdAt: string }) => u.createdAt);
      expect(times).toEqual([...times].sort());
    });

    it("walks every organisation once, oldest first, the ID breaking ties", async () => {
      expect(orgs).toHaveLength(8);
      await walksExactly(t, "/api/organisations", admin, byTimeThenId(orgs, "asc"));
    });

    it("answers 400 with a message for a cursor these lists could not have returned", async () => {
      // A cursor of the partner directory (a name where these lists have a time) and of the cases (three parts).
      const partners = b64(["Some partner", "org_00000000000000000000000000"]);
      const cases = b64([0, "2026-03-01T12:00:00.000Z", "cas_00000000000000000000000000"]);
      await refusesCursors(t, "/api/users", admin, [partners, cases]);
      await refusesCursors(t, "/api/organisations", admin, [partners, cases]);
    });

    it("still answers only admins, on later pages too", async () => {
      const { cursors } = await walkPages(t, "/api/users", admin, 5);
      for (const url of ["/api/users", "/api/organisations"]) {
        expect((await t.app.inject({ url, headers: coordinator })).statusCode).toBe(403);
        const later = `${url}?cursor=${encodeURIComponent(cursors[0] ?? "")}`;
        expect((await t.app.inject({ url: later, headers: coordinator })).statusCode).toBe(403);
      }
    });
  });

  describe("partners and investigations", () => {
    let t: TestApp;
    let coord: Record<string, string>;
    let investigator: Record<string, string>;
    /** The partners this test applied for, with what the filters look at. */
    const partners: { id: string; name: string; country: string; staff: string[]; kind: PartnerKind }[] = [];
    /** 200 characters, most of them two bytes in UTF-8: the longest sort key the directory can have. */
    const LONG = `Pagewalk ${"Ж".repeat(191)}`;

    const apply = async (name: string, country: string, staff: string[], kind: PartnerKind) => {
      const n = partners.length;
      const r = await t.services.partners.apply({
        organisation: {
          name,
          legalName: `${name} Ltd`,
          country,
          staffCountries: staff,
          website: `https://pagewalk-${n}.example`,
          kind,
          customers: 1000,
        },
        contact: { name: `Contact ${n}`, email: `contact-${n}@pagewalk-${n}.example` },
        attestations: {
          securityVendor: true,
          noOffensiveTools: true,
          publishAtRelease: true,
          reportLeaks: true,
        },
      });
      partners.push({ id: r.partnerId, name, country, staff, kind });
      return r.partnerId;
    };

    /**
     * Expected directory order: by name, then ID. The names here sort alike by code point and under the
     * usual collations (one leading capital, then lower case; Cyrillic after Latin).
     */
    const directory = (keep: (p: (typeof partners)[number]) => boolean) =>
      partners
        .filter(keep)
        .sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1))
        .map((p) => p.id);

    const investigations: (Row & { closed: boolean })[] = [];

    beforeAll(async () => {
      t = await testApp(engine);
      coord = await t.bearer((await t.user("coordinator")).email);
      investigator = await t.bearer((await t.user("investigator")).email);
      // Applied out of name order; "Pagewalk Cedar" twice (a duplicate application: the ID orders them).
      await apply("Pagewalk Delta", "DE", [], "antivirus");
      await apply("Pagewalk Cedar", "FR", ["DE"], "edr");
      await apply(LONG, "DE", [], "antivirus");
      await apply("Pagewalk Alder", "FR", [], "antivirus");
      await apply("Pagewalk Cedar", "DE", [], "antivirus");
      await apply("Pagewalk Birch", "US", [], "edr");
      await apply("Pagewalk Elm", "DE", [], "edr");
      await apply("Unrelated Networks", "DE", [], "antivirus");

      const start = t.clock.now().getTime();
      const open = async (title: string, at: number, closed: boolean) => {
        t.clock.set(new Date(at));
        const res = await t.app.inject({
          method: "POST",
          url: "/api/investigations",
          headers: investigator,
          payload: { title },
        });
        expect(res.statusCode, res.body).toBe(201);
        const id = res.json().id as string;
        if (closed) {
          const c = await t.app.inject({
            method: "POST",
            url: `/api/investigations/${id}/close`,
            headers: investigator,
            payload: { conclusion: "nothing leaked" },
          });
          expect(c.statusCode, c.body).toBe(200);
        }
        investigations.push({ id, at, closed });
      };
      // Three opened at one instant (ties on the time), then others a minute apart, every other closed.
      for (let i = 0; i < 3; i++) await open(`Tied ${i}`, start, i === 1);
      for (let i = 1; i <= 5; i++) await open(`Later ${i}`, start + i * MINUTE, i % 2 === 0);
      t.clock.set(new Date(start));
    });
    afterAll(() => t.close());

    it("walks the directory once by name, the ID ordering equal names, the longest name included", async () => {
      const all = directory(() => true);
      expect(all).toHaveLength(8);
      await walksExactly(t, "/api/partners", coord, all);
      const names = (await t.app.inject({ url: "/api/partners?limit=200", headers: coord }))
        .json()
        .items.map((p: { name: string }) => p.name);
      expect(names.slice(0, 4)).toEqual([
        "Pagewalk Alder",
        "Pagewalk Birch",
        "Pagewalk Cedar",
        "Pagewalk Cedar",
      ]);
      expect(names.at(-1)).toBe("Unrelated Networks");
      // The page that ends on the longest name hands back a cursor the next request takes.
      const { cursors } = await walkPages(t, "/api/partners", coord, 1);
      const long = cursors[all.indexOf(partners.find((p) => p.name === LONG)?.id ?? "")];
      expect(long?.length).toBeGreaterThan(500);
    });

    it("keeps every filter on every page of the directory", async () => {
      const named = (p: { name: string }) => p.name.startsWith("Pagewalk");
      await walksExactly(t, "/api/partners?q=pagewalk", coord, directory(named), [1, 2, 200]);
      // The country filter matches the headquarters or a staff country.
      await walksExactly(
        t,
        "/api/partners?q=Pagewalk&country=DE",
        coord,
        directory((p) => named(p) && (p.country === "DE" || p.staff.includes("DE"))),
        [1, 2],
      );
      await walksExactly(
        t,
        "/api/partners?kind=edr",
        coord,
        directory((p) => p.kind === "edr"),
        [1, 2],
      );
      await walksExactly(
        t,
        "/api/partners?status=applicant",
        coord,
        directory(() => true),
        [3],
      );
      await walksExactly(t, "/api/partners?status=active", coord, [], [1]);
      // A cursor from an unfiltered walk moves the start of a filtered one, never its filter.
      const { cursors } = await walkPages(t, "/api/partners", coord, 2);
      const res = await t.app.inject({
        url: `/api/partners?kind=edr&limit=200&cursor=${encodeURIComponent(cursors[0] ?? "")}`,
        headers: coord,
      });
      expect(res.statusCode).toBe(200);
      const edr = directory((p) => p.kind === "edr");
      const skipped = new Set(directory(() => true).slice(0, 2));
      expect(res.json().items.map((p: { id: string }) => p.id)).toEqual(edr.filter((id) => !skipped.has(id)));
    });

    it("shows a partner user only its own organisation, whatever the cursor", async () => {
      const own = partners.find((p) => p.name === "Pagewalk Delta")?.id as string;
      const member = await t.bearer((await t.user("partner_admin", { organisationId: own })).email);
      await walksExactly(t, "/api/partners", member, [own], [1, 200]);
      // Staff's cursors: one before the partner's place keeps it, one past it leaves nothing; never another's.
      const all = directory(() => true);
      const { cursors } = await walkPages(t, "/api/partners", coord, 1);
      for (const [i, cursor] of cursors.entries()) {
        const res = await t.app.inject({
          url: `/api/partners?limit=1&cursor=${encodeURIComponent(cursor)}`,
          headers: member,
        });
        expect(res.statusCode).toBe(200);
        const ids = res.json().items.map((p: { id: string }) => p.id);
        expect(ids, `after ${i + 1}`).toEqual(i < all.indexOf(own) ? [own] : []);
        expect(res.json().nextCursor).toBeNull();
      }
    });

    it("walks investigations once, newest first, the ID breaking ties, the status filter on every page", async () => {
      expect(investigations).toHaveLength(8);
      await walksExactly(t, "/api/investigations", investigator, byTimeThenId(investigations, "desc"));
      await walksExactly(t, "/api/investigations", coord, byTimeThenId(investigations, "desc"), [3]);
      const closed = investigations.filter((i) => i.closed);
      expect(closed.length).toBeGreaterThan(1);
      await walksExactly(
        t,
        "/api/investigations?status=closed",
        investigator,
        byTimeThenId(closed, "desc"),
        [1],
      );
      const open = investigations.filter((i) => !i.closed);
      await walksExactly(
        t,
        "/api/investigations?status=open",
        investigator,
        byTimeThenId(open, "desc"),
        [1, 2],
      );
      const statuses = async (url: string) =>
        (await t.app.inject({ url, headers: investigator }))
          .json()
          .items.map((i: { status: string }) => i.status);
      const { cursors } = await walkPages(t, "/api/investigations?status=open", investigator, 1);
      for (const c of cursors)
        for (const s of await statuses(`/api/investigations?status=open&cursor=${encodeURIComponent(c)}`))
          expect(s).toBe("open");
    });

    it("still refuses a partner user the investigations, on later pages too", async () => {
      const own = partners[0]?.id as string;
      const member = await t.bearer((await t.user("partner_analyst", { organisationId: own })).email);
      const { cursors } = await walkPages(t, "/api/investigations", investigator, 2);
      expect((await t.app.inject({ url: "/api/investigations", headers: member })).statusCode).toBe(403);
      const later = `/api/investigations?cursor=${encodeURIComponent(cursors[0] ?? "")}`;
      expect((await t.app.inject({ url: later, headers: member })).statusCode).toBe(403);
    });

    it("answers 400 with a message for a cursor these lists could not have returned", async () => {
      const investigationsCursor = (await walkPages(t, "/api/investigations", investigator, 1))
        .cursors[0] as string;
      const partnersCursor = (await walkPages(t, "/api/partners", coord, 1)).cursors[0] as string;
      // Each list's real cursor is the other's foreign shape (a time where a name goes: not an ISO date
      // where a time goes), as is one of the cases (three parts).
      const cases = b64([0, "2026-03-01T12:00:00.000Z", "cas_00000000000000000000000000"]);
      await refusesCursors(t, "/api/investigations", investigator, [partnersCursor, cases]);
      await refusesCursors(t, "/api/partners", coord, [cases, b64(["Pagewalk", 12])]);
      // A name longer than any partner's: not a key this list hands out.
      await refusesCursors(t, "/api/partners", coord, [b64(["x".repeat(301), "org_X"])]);
      // The investigations' cursor (an ISO time and an ID) parses as the directory's two strings: it is
      // only a place in the names, and the partner directory answers from there.
      const res = await t.app.inject({
        url: `/api/partners?cursor=${encodeURIComponent(investigationsCursor)}`,
        headers: coord,
      });
      expect(res.statusCode).toBe(200);
    });
  });
});
