// Meaning is sacred: sentences where a swap would change a fact, an instruction or a nuance come
// out unchanged in every rendering. Add a sentence here for every defect found in review.
import { describe, expect, it } from "vitest";
import { planAdvisory } from "./plan.ts";
import { render } from "./render.ts";

/** [sentence, the part that must stay byte-for-byte, optionally a wording no copy may show]. */
const CORPUS: [string, string, string?][] = [
  ["This includes changing the default password of every account.", "includes changing"],
  ["This includes the removal of the legacy listener.", "This includes the removal"],
  ["Administrators should restart the service after applying the update.", "restart the service"],
  ["Restart IIS to complete the installation of the update.", "Restart IIS"],
  ["After the change, administrators must restart IIS on every node.", "restart IIS"],
  ["The device restarts when the malformed packet is received.", "restarts when"],
  ["Reboot the appliance to load the new firmware image.", "Reboot the appliance"],
  ["The product has reached the end of support and receives no updates.", "the end of support"],
  ["Version 3 reaches the end of life in June and will not be fixed.", "the end of life"],
  ["The fix is due to be released next week for all supported branches.", "is due to be released"],
  ["A buffer overflow in the parser can corrupt the heap of the service.", "buffer overflow"],
  ["The vendor has confirmed that the issue is exploited in the wild.", "has confirmed that"],
  ["The output shows that the module is loaded into the kernel.", "shows that"],
  ["Configure the proxy as required by the policy of your organisation.", "as required by"],
  ["Enable the additional logging as needed during the investigation.", "as needed"],
  ["Products such as the gateway and the relay are affected.", "such as"],
  ["Customers are strongly encouraged to upgrade to the fixed release.", "strongly encouraged"],
  [
    "The default configuration allows anonymous uploads to the staging folder.",
    "anonymous uploads",
    "enables",
  ],
  ["Do not expose the management interface to untrusted networks.", "Do not expose"],
  ["Users can be tricked into opening a malicious attachment.", "can be tricked"],
  ["Install the update before the users log in again.", "before the users log in"],
  ["The patch must be applied only once on each cluster.", "only once"],
  ["Customers may install the update at any time without downtime.", "Customers may "],
  ["Traffic over 80 is redirected to the secure listener.", "over 80"],
  ["Customers should not use the legacy client until it is fixed.", "should not use"],
  ["This option is disabled by design, and the service does not check signatures.", "by design"],
  ["The advisory will be updated if new information becomes available.", "will be updated if"],
  ["This shows that the module is loaded.", "This shows that"],
  ["The release contains changes to the default settings.", "contains changes"],
  ["Apply the fix immediately after the restart of the node.", "immediately after"],
  ["The term is used to refer to the parser and its plugins.", "to refer to the parser"],
  ["Settings that refer to the legacy listener are ignored.", "refer to the legacy"],
  ["Only versions 2.1 and 2.2 are affected.", "Only versions 2.1 and 2.2 are "],
];

describe("meaning review", () => {
  it("never changes a phrase whose alternatives would change the meaning", () => {
    for (const [sentence, keep, never] of CORPUS) {
      expect(sentence).toContain(keep);
      const plan = planAdvisory(sentence, { invisible: "off" });
      const n = plan.points.length;
      const vectors = [
        new Uint8Array(n).fill(1),
        ...Array.from({ length: 6 }, (_, k) =>
          Uint8Array.from({ length: n }, (_, i) => ((i * 7 + k) % 3 === 0 ? 1 : 0)),
        ),
      ];
      for (const x of vectors) {
        expect(render(plan, x), sentence).toContain(keep);
        if (never) expect(render(plan, x), sentence).not.toContain(never);
      }
    }
  });

  it("still varies the safe neighbours of those phrases (the corpus is not vacuous)", () => {
    const plan = planAdvisory("An attacker could exploit this vulnerability to restart the service.", {
      invisible: "off",
    });
    const copy = render(plan, new Uint8Array(plan.points.length).fill(1));
    expect(copy).toContain("restart the service");
    expect(copy).not.toBe("An attacker could exploit this vulnerability to restart the service.");
    // The context rules that replaced table entries still apply where they are safe.
    const due = planAdvisory("The crash is due to a missing length check in the parser.", {
      invisible: "off",
    });
    expect(render(due, new Uint8Array(due.points.length).fill(1))).toContain("is caused by a missing");
    const fix = planAdvisory("Version 2.9.4 contains the fixed library, and the console shows a warning.", {
      invisible: "off",
    });
    const fixed = render(fix, new Uint8Array(fix.points.length).fill(1));
    expect(fixed).toContain("includes the");
    expect(fixed).toContain("console displays a warning");
    const eol = planAdvisory("Customers running end of life products should migrate.", { invisible: "off" });
    expect(render(eol, new Uint8Array(eol.points.length).fill(1))).toContain("end-of-life products");
  });
});
