// The advisory-English phrase table: wordings that mean exactly the same in advisory prose.
// It is data, meant to be reviewed and extended. Rules for an entry:
//  - every wording in a group must be replaceable by the first other wording in any advisory
//    sentence where it appears in lowercase prose, without changing a fact, the register or the
//    grammar (subject–verb agreement, a/an is checked by the planner);
//  - a wording that has another sense elsewhere is marked target-only with a leading "~": it is
//    written into copies but never matched in the original (e.g. "enable" also means "turn on");
//  - no contractions (not advisory style), no change to numbers, names or identifiers.
// Wordings removed after review are listed in REMOVED_AFTER_REVIEW (do not re-add them);
// docs/tracing-phrases.md lists every group that remains, and src/tracing/meaning.test.ts holds
// sentences that must never change.

/** Wordings once in the table that changed a fact, an instruction or a nuance, and why. */
export const REMOVED_AFTER_REVIEW: readonly (readonly [string, string])[] = [
  ["reboot / restart", "restarting IIS or a service is not rebooting the machine"],
  [
    "contains / includes (anywhere)",
    '"This includes changing …" is not "This contains changing …"; kept only before a fix (context rule)',
  ],
  [
    "end of life, end of support / end-of-life, end-of-support",
    'the hyphen makes a modifier: only before a noun (a context rule), never "the end of support"',
  ],
  ["buffer overflow / buffer overrun", "different weakness names"],
  ["is due to / is caused by (matched)", '"is due to be released" is a date; now a context rule'],
  ["has confirmed that / has verified that", "acknowledging is not testing"],
  [
    "shows / displays, is shown / is displayed (matched)",
    '"this shows that …" is not "this displays that …"',
  ],
  ["such as / like", "examples are not likeness"],
  ["as needed / as required", "optional is not mandatory"],
  ["are strongly encouraged to / are strongly urged to", "a stronger instruction"],
  ["allows / enables, allowing / enabling (bare)", "permitting is not turning on (allows / permits remains)"],
];

/** Groups of interchangeable wordings; "~" marks a wording that is only ever written, never matched. */
export type PhraseGroup = readonly string[];

// "may" also grants permission ("customers may install", "users may read"), so after "may" only the
// verbs an advisory uses for an impact take part, not these, which read as permission there.
const PERMISSION_VERBS = [
  "bypass",
  "exploit",
  "execute",
  "gain",
  "obtain",
  "read",
  "modify",
  "overwrite",
  "access",
  "escalate",
] as const;

// Verbs that, after "could" / "may", describe an impact; "could X" and "might X" are interchangeable
// (both hypothetical), as are "may X" and "might X" for these verbs (epistemic, never permission).
const IMPACT_VERBS = [
  "allow",
  "permit",
  "enable",
  "cause",
  "lead to",
  "result in",
  "be exploited",
  "affect",
  "expose",
  "trigger",
  "disclose",
  "crash",
  "corrupt",
  "leak",
  ...PERMISSION_VERBS,
  "impact",
  "render",
  "prevent",
  "degrade",
  "interrupt",
] as const;
const permissionVerbs = new Set<string>(PERMISSION_VERBS);

const modalGroups: PhraseGroup[] = IMPACT_VERBS.flatMap((v) =>
  !permissionVerbs.has(v)
    ? [
        [`could ${v}`, `might ${v}`],
        [`may ${v}`, `~might ${v}`],
      ]
    : [[`could ${v}`, `might ${v}`]],
);

// Subjects that take "can" / "is able to" / "are able to" without changing agreement.
const ABLE_SUBJECTS: readonly (readonly [string, "is" | "are"])[] = [
  ["an attacker", "is"],
  ["the attacker", "is"],
  ["a remote attacker", "is"],
  ["a local attacker", "is"],
  ["an adversary", "is"],
  ["a user", "is"],
  ["the user", "is"],
  ["an administrator", "is"],
  ["the administrator", "is"],
  ["a client", "is"],
  ["the client", "is"],
  ["attackers", "are"],
  ["remote attackers", "are"],
  ["local attackers", "are"],
  ["users", "are"],
  ["customers", "are"],
  ["administrators", "are"],
  ["clients", "are"],
  ["partners", "are"],
  ["defenders", "are"],
  ["security teams", "are"],
  ["analysts", "are"],
  ["operators", "are"],
  ["developers", "are"],
  ["vendors", "are"],
  ["organizations", "are"],
  ["organisations", "are"],
  ["applications", "are"],
];

/** Subjects that take "can" / "is able to" and "cannot" / "is unable to" (see CONTEXT_RULES). */
export const ABLE_SUBJECT_LIST: readonly (readonly [string, "is" | "are"])[] = ABLE_SUBJECTS;

// Relative pronoun after people: "who" and "that" are both standard.
const RELATIVE_SUBJECTS = [
  "an attacker",
  "the attacker",
  "attackers",
  "a user",
  "users",
  "customers",
  "administrators",
  "partners",
  "researchers",
  "anyone",
  "someone",
  "developers",
  "analysts",
  "operators",
  "organizations",
  "organisations",
  "vendors",
  "defenders",
  "people",
  "the user",
  "a victim",
  "the victim",
  "an administrator",
  "the administrator",
  "a person",
  "an individual",
  "anybody",
] as const;
const relativeGroups: PhraseGroup[] = RELATIVE_SUBJECTS.map((s) => [`${s} who`, `${s} that`]);

const vulnGroups: PhraseGroup[] = [
  ["this vulnerability", "this flaw"],
  ["these vulnerabilities", "these flaws"],
  ["the vulnerability", "the flaw"],
  ["the vulnerabilities", "the flaws"],
  ["a vulnerability", "a flaw"],
  ["that address this vulnerability", "that resolve this vulnerability"],
  ["that address these vulnerabilities", "that resolve these vulnerabilities"],
  ["that address the vulnerability", "that resolve the vulnerability"],
  ["that address the vulnerabilities", "that resolve the vulnerabilities"],
  ["to address this vulnerability", "to resolve this vulnerability"],
  ["to address the vulnerability", "to resolve the vulnerability"],
  ["to address these vulnerabilities", "to resolve these vulnerabilities"],
  ["address this issue", "resolve this issue"],
  ["addresses this issue", "resolves this issue"],
  ["addresses this vulnerability", "resolves this vulnerability"],
  ["addresses the vulnerability", "resolves the vulnerability"],
  ["exploit this vulnerability", "take advantage of this vulnerability"],
  ["exploit the vulnerability", "take advantage of the vulnerability"],
  ["exploiting this vulnerability", "taking advantage of this vulnerability"],
  ["exploiting the vulnerability", "taking advantage of the vulnerability"],
  ["exploits this vulnerability", "takes advantage of this vulnerability"],
  ["successful exploitation of this vulnerability", "successfully exploiting this vulnerability"],
  ["successful exploitation of the vulnerability", "successfully exploiting the vulnerability"],
  ["a successful exploit could allow", "successful exploitation could allow"],
  ["a successful exploit may allow", "successful exploitation may allow"],
  ["a successful exploit could", "successful exploitation could"],
  ["exploitation of this vulnerability", "exploiting this vulnerability"],
  ["is affected by this vulnerability", "is vulnerable to this issue"],
  ["for reporting this vulnerability", "for reporting this issue"],
  ["for reporting this issue", "for reporting this vulnerability"],
  ["the vulnerability that is described in", "the vulnerability described in"],
  ["the vulnerabilities that are described in", "the vulnerabilities described in"],
  ["that is described in", "~described in"],
  ["that are described in", "~described in"],
  ["which is described in", "~described in"],
  ["which are described in", "~described in"],
  ["that are running", "~running"],
  ["that is running", "~running"],
  ["that are configured as", "~configured as"],
  ["that are configured with", "~configured with"],
  ["that are associated with", "~associated with"],
  ["that is associated with", "~associated with"],
  ["that are affected by", "~affected by"],
  ["that is affected by", "~affected by"],
  ["that are listed in", "~listed in"],
  ["that is listed in", "~listed in"],
  ["is not affected by", "is unaffected by"],
  ["are not affected by", "are unaffected by"],
  ["is not aware of", "is unaware of"],
  ["are not aware of", "are unaware of"],
];

const attackGroups: PhraseGroup[] = [
  ["an unauthenticated, remote attacker", "a remote, unauthenticated attacker"],
  ["an authenticated, remote attacker", "a remote, authenticated attacker"],
  ["an unauthenticated, adjacent attacker", "an adjacent, unauthenticated attacker"],
  ["an authenticated, local attacker", "a local, authenticated attacker"],
  ["an unauthenticated, local attacker", "a local, unauthenticated attacker"],
  ["an unauthenticated remote attacker", "a remote unauthenticated attacker"],
  ["an authenticated remote attacker", "a remote authenticated attacker"],
  ["a remote, unauthenticated attacker", "an unauthenticated, remote attacker"],
  ["a remote unauthenticated attacker", "an unauthenticated remote attacker"],
  ["execute arbitrary code", "run arbitrary code"],
  ["execute arbitrary commands", "run arbitrary commands"],
  ["executing arbitrary code", "running arbitrary code"],
  ["executing arbitrary commands", "running arbitrary commands"],
  ["executes arbitrary code", "runs arbitrary code"],
  ["arbitrary code execution", "execution of arbitrary code"],
  ["arbitrary command execution", "execution of arbitrary commands"],
  ["a crafted", "a specially crafted"],
  ["a specially crafted", "a crafted"],
  ["specially-crafted", "~specially crafted"],
  ["resulting in", "leading to"],
  ["results in", "leads to"],
  ["result in", "~lead to"],
  ["resulted in", "led to"],
  ["allows an attacker to", "enables an attacker to"],
  ["allows attackers to", "enables attackers to"],
  ["allows remote attackers to", "enables remote attackers to"],
  ["allows local users to", "enables local users to"],
  ["allows a remote attacker to", "enables a remote attacker to"],
  ["allow", "~permit"],
  ["allows", "~permits"],
  ["allowing", "~permitting"],
  ["allowed", "~permitted"],
  ["gain access", "obtain access"],
  ["gaining access", "obtaining access"],
  ["gained access", "obtained access"],
  ["gain elevated privileges", "obtain elevated privileges"],
  ["gain root privileges", "obtain root privileges"],
  ["gain administrative privileges", "obtain administrative privileges"],
  ["privilege escalation", "escalation of privileges"],
  ["escalate privileges", "elevate privileges"],
  ["escalate their privileges", "elevate their privileges"],
  ["attempt to", "try to"],
  ["attempts to", "tries to"],
  ["attempting to", "trying to"],
  ["take advantage of", "~exploit"],
  ["takes advantage of", "~exploits"],
  ["make use of", "~use"],
  ["makes use of", "~uses"],
  ["user-supplied", "user-provided"],
  ["a lack of", "an absence of"],
  ["the lack of", "the absence of"],
  ["insufficient validation of", "inadequate validation of"],
  ["insufficient input validation", "inadequate input validation"],
  ["insufficient checks", "inadequate checks"],
  ["properly", "correctly"],
  ["improperly", "incorrectly"],
  ["without user interaction", "with no user interaction"],
  ["without authentication", "with no authentication"],
  ["does not require authentication", "requires no authentication"],
  ["does not require user interaction", "requires no user interaction"],
  ["do not require authentication", "require no authentication"],
  ["denial of service", "denial-of-service"],
  ["denial-of-service", "denial of service"],
  ["proof of concept", "proof-of-concept"],
  ["proof-of-concept", "proof of concept"],
  ["out-of-bounds", "out of bounds"],
  ["use-after-free", "use after free"],
  ["heap-based buffer overflow", "heap buffer overflow"],
  ["stack-based buffer overflow", "stack buffer overflow"],
  ["heap buffer overflow", "heap-based buffer overflow"],
  ["stack buffer overflow", "stack-based buffer overflow"],
  ["memory corruption", "corruption of memory"],
  ["sensitive information", "~sensitive data"],
];

const remedyGroups: PhraseGroup[] = [
  ["apply the update", "install the update"],
  ["apply the updates", "install the updates"],
  ["applying the update", "installing the update"],
  ["applying the updates", "installing the updates"],
  ["apply the patch", "install the patch"],
  ["apply the patches", "install the patches"],
  ["apply the latest updates", "install the latest updates"],
  ["apply this update", "install this update"],
  ["has released software updates", "has published software updates"],
  ["has released free software updates", "has published free software updates"],
  ["has released updates", "has published updates"],
  ["has released a patch", "has published a patch"],
  ["has released patches", "has published patches"],
  ["has released a fix", "has published a fix"],
  ["has released a security update", "has published a security update"],
  ["have been released", "have been published"],
  ["has been released", "has been published"],
  ["there are no workarounds that address", "no workarounds are available that address"],
  ["there are no workarounds", "no workarounds are available"],
  ["there is no workaround", "no workaround is available"],
  ["there are no known workarounds", "no known workarounds are available"],
  ["is available at", "~can be found at"],
  // Vendor boilerplate ("A security update is now available for …").
  ["has been identified in", "has been found in"],
  ["have been identified in", "have been found in"],
  ["was identified in", "was found in"],
  ["were identified in", "were found in"],
  ["requires no action", "does not require any action"],
  ["require no action", "do not require any action"],
  ["does not require any action", "requires no action"],
  ["do not require any action", "require no action"],
  ["does not require any user interaction", "requires no user interaction"],
  ["requires no user interaction", "does not require user interaction"],
  ["right away", "~immediately"],
  ["switched off", "turned off"],
  ["switch off", "turn off"],
  ["switching off", "turning off"],
  ["turned off", "switched off"],
  ["turn off", "switch off"],
  ["turning off", "switching off"],
  ["is now available", "~has been made available"],
  ["are now available", "~have been made available"],
  ["which gives a detailed severity rating", "which provides a detailed severity rating"],
  ["which provides a detailed severity rating", "which gives a detailed severity rating"],
  ["back up your", "make a backup of your"],
  ["make a backup of your", "back up your"],
  ["back up the", "~make a backup of the"],
  ["are available at", "~can be found at"],
  ["is available from", "~can be obtained from"],
  ["are available from", "~can be obtained from"],
  ["the latest version", "the most recent version"],
  ["the latest versions", "the most recent versions"],
  ["the latest release", "the most recent release"],
  ["the latest releases", "the most recent releases"],
  ["the most recent", "the latest"],
  ["prior versions", "earlier versions"],
  ["previous versions", "earlier versions"],
  ["earlier versions", "prior versions"],
  ["previous releases", "earlier releases"],
  ["earlier releases", "prior releases"],
  ["versions earlier than", "versions prior to"],
  ["releases earlier than", "releases prior to"],
  ["versions prior to", "versions earlier than"],
  ["releases prior to", "releases earlier than"],
  ["and later", "and newer"],
  ["or later", "or newer"],
  ["and earlier", "and older"],
  ["or earlier", "or older"],
  ["as soon as possible", "at the earliest opportunity"],
  ["in a timely manner", "promptly"],
  ["up to date", "up-to-date"],
  ["up-to-date", "up to date"],
  ["out of date", "out-of-date"],
  ["well known", "well-known"],
  ["in order to", "~to"],
  ["in order for", "~for"],
  ["prior to", "~before"],
  ["make sure that", "ensure that"],
  ["ensure that", "make sure that"],
  ["ensures that", "makes sure that"],
  ["makes sure that", "ensures that"],
  ["determine whether", "determine if"],
  ["determines whether", "determines if"],
  ["whether or not", "~whether"],
  ["needs to", "~has to"],
  ["is in use", "is being used"],
  ["are in use", "are being used"],
  ["is intended for", "is meant for"],
  ["are intended for", "are meant for"],
  ["in accordance with", "in line with"],
  ["in compliance with", "in accordance with"],
  ["is not capable of", "is incapable of"],
  ["are not capable of", "are incapable of"],
  ["sufficient", "~enough"],
  ["approximately", "~roughly"],
  ["numerous", "~many"],
  ["a variety of", "various"],
  ["the majority of", "~most"],
  ["displays", "~shows"],
  ["is displayed", "~is shown"],
  ["are displayed", "~are shown"],
  ["consists of", "is made up of"],
  ["comprises", "~consists of"],
  ["provides", "offers"],
  ["obtain", "~get"],
  ["obtaining", "~getting"],
];

const connectiveGroups: PhraseGroup[] = [
  ["in addition,", "additionally,"],
  ["additionally,", "in addition,"],
  ["furthermore,", "moreover,"],
  ["moreover,", "furthermore,"],
  ["for example,", "for instance,"],
  ["for instance,", "for example,"],
  ["e.g.,", "~for example,"],
  ["e.g.", "~for example,"],
  ["i.e.,", "~that is,"],
  ["i.e.", "~that is,"],
  ["as a result,", "consequently,"],
  ["consequently,", "as a result,"],
  ["therefore,", "~thus,"],
  ["as a result of", "~because of"],
  ["in the event that", "~if"],
  ["in the event of", "~in case of"],
  ["at this time", "at present"],
  ["at the moment", "~currently"],
  ["at the time of publication", "when this advisory was published"],
  ["at the time of writing", "~when this advisory was written"],
  ["for more information", "for further information"],
  ["for further information", "for more information"],
  ["for additional information", "for more information"],
  ["for more details", "for further details"],
  ["for further details", "for more details"],
  ["more information", "~further information"],
  ["additional information", "~further information"],
  ["additional details", "~further details"],
  ["please refer to", "please see"],
  ["please see", "please refer to"],
  ["for details, see", "for details, refer to"],
  ["please note that", "~note that"],
  ["with regard to", "regarding"],
  ["with respect to", "~regarding"],
  ["in regard to", "~regarding"],
  ["regarding", "~concerning"],
  ["in most cases", "in most instances"],
  ["in all cases", "in every case"],
  ["in some cases", "in certain cases"],
  ["in certain cases", "in some cases"],
  ["in many cases", "in many instances"],
  ["in this case", "in this instance"],
  ["in such cases", "in such instances"],
  ["under certain conditions", "under some conditions"],
  ["in certain configurations", "in some configurations"],
  ["in some configurations", "in certain configurations"],
  ["typically", "usually"],
  ["usually", "typically"],
  ["also known as", "also called"],
  ["also called", "also known as"],
  ["also referred to as", "also known as"],
  ["as described above", "as described earlier"],
  ["as mentioned above", "as mentioned earlier"],
  ["listed above", "listed earlier"],
  ["described above", "described earlier"],
  ["if necessary", "if needed"],
  ["where necessary", "where needed"],
  ["if needed", "if necessary"],
  ["where applicable", "~if applicable"],
  ["other than", "apart from"],
  ["except for", "apart from"],
  ["including but not limited to", "including, but not limited to,"],
  ["together with", "along with"],
  ["along with", "together with"],
  ["in conjunction with", "together with"],
  ["via", "~through"],
  ["within the scope of", "~in the scope of"],
];

const compoundGroups: PhraseGroup[] = [
  ["e-mail", "email"],
  ["e-mails", "emails"],
  ["email", "e-mail"],
  ["emails", "e-mails"],
  ["web site", "website"],
  ["web sites", "websites"],
  ["website", "web site"],
  ["websites", "web sites"],
  ["web page", "webpage"],
  ["web pages", "webpages"],
  ["file name", "filename"],
  ["file names", "filenames"],
  ["filename", "file name"],
  ["filenames", "file names"],
  ["user name", "username"],
  ["user names", "usernames"],
  ["username", "user name"],
  ["usernames", "user names"],
  ["host name", "hostname"],
  ["host names", "hostnames"],
  ["time stamp", "timestamp"],
  ["time stamps", "timestamps"],
  ["timestamp", "time stamp"],
  ["timestamps", "time stamps"],
  ["plug-in", "plugin"],
  ["plug-ins", "plugins"],
  ["plugin", "plug-in"],
  ["plugins", "plug-ins"],
  ["drop-down", "dropdown"],
  ["pop-up", "popup"],
  ["set-up", "~setup"],
  ["code base", "codebase"],
  ["codebase", "code base"],
  ["data set", "dataset"],
  ["data sets", "datasets"],
  ["dataset", "data set"],
  ["datasets", "data sets"],
  ["work-around", "workaround"],
  ["work-arounds", "workarounds"],
  ["check box", "checkbox"],
  ["command-line", "~command line"],
  ["counter-measures", "countermeasures"],
  ["re-enable", "reenable"],
  ["re-enabled", "reenabled"],
  ["pre-authentication", "preauthentication"],
  ["post-authentication", "postauthentication"],
  ["percent", "per cent"],
];

// "does not X" and "fails to X" say the same of software.
const FAIL_VERBS = [
  "validate",
  "check",
  "verify",
  "enforce",
  "restrict",
  "handle",
  "free",
  "limit",
  "escape",
  "authenticate",
  "clear",
  "terminate",
  "account for",
  "properly",
  "correctly",
  "prevent",
  "reject",
  "invalidate",
  "encode",
  "protect",
] as const;
// Never "do not X": in an advisory that is usually an imperative ("Do not expose the service").
const failGroups: PhraseGroup[] = FAIL_VERBS.flatMap((v) => [
  [`does not ${v}`, `fails to ${v}`],
  [`did not ${v}`, `failed to ${v}`],
]);

// Verbs after which "that" may go ("verify that the update is installed" / "verify the update ...").
const THAT_VERBS = [
  "verify",
  "verifies",
  "confirm",
  "confirms",
  "indicates",
  "indicate",
  "means",
  "states",
  "found",
  "determined",
  "reported",
  "believes",
  "assumes",
  "assume",
  "shows that",
] as const;
const thatGroups: PhraseGroup[] = THAT_VERBS.filter((v) => !v.includes(" ")).map((v) => [
  `${v} that`,
  `~${v}`,
]);

const moreGroups: PhraseGroup[] = [
  ["can be disabled with", "can be disabled by using"],
  ["can be enabled with", "can be enabled by using"],
  ["if not in use", "if not being used"],
  ["is not in use", "is not being used"],
  ["consult the", "~refer to the"],
  ["is not clear", "is unclear"],
  ["the earliest release", "the first release"],
  ["the earliest releases", "the first releases"],
  ["perform", "~carry out"],
  ["performs", "~carries out"],
  ["performing", "~carrying out"],
  ["choosing", "selecting"],
  ["choose", "~select"],
  ["chooses", "~selects"],
  ["to learn about", "to find out about"],
  ["to learn more about", "to find out more about"],
  ["without additional", "with no additional"],
  ["without any", "~with no"],
  ["does not need to be", "need not be"],
  ["do not need to be", "need not be"],
  ["for information about", "for information on"],
  ["the following examples show", "the following examples display"],
  ["is fixed in", "is resolved in"],
  ["are fixed in", "are resolved in"],
  ["was fixed in", "was resolved in"],
  ["were fixed in", "were resolved in"],
  ["has been fixed in", "has been resolved in"],
  ["have been fixed in", "have been resolved in"],
  ["has been fixed", "has been resolved"],
  ["have been fixed", "have been resolved"],
  ["this issue", "this problem"],
  ["the issue", "the problem"],
  ["these issues", "these problems"],
  ["was discovered", "was found"],
  ["were discovered", "were found"],
  ["in the default configuration", "in its default configuration"],
  ["a patched version", "a fixed version"],
  ["the patched version", "the fixed version"],
  ["patched versions", "fixed versions"],
  ["a fixed version", "a patched version"],
  ["the fixed version", "the patched version"],
  ["fixed versions", "patched versions"],
  ["restrict access to", "limit access to"],
  ["restricting access to", "limiting access to"],
  ["restricts access to", "limits access to"],
  ["a specific", "a particular"],
  ["leading to", "resulting in"],
  ["leads to", "results in"],
  ["led to", "resulted in"],
  ["is caused by", "~is due to"],
  ["are caused by", "~are due to"],
  ["the latest", "the most recent"],
  ["as a precaution", "as a precautionary measure"],
  ["temporary workaround", "interim workaround"],
  ["contains a vulnerability", "has a vulnerability"],
  ["contain a vulnerability", "have a vulnerability"],
  ["contains a flaw", "has a flaw"],
  ["vulnerable to", "susceptible to"],
  ["susceptible to", "vulnerable to"],
  ["the ability to", "the capability to"],
  ["in a way that", "in a manner that"],
  ["in such a way that", "in such a manner that"],
  ["when processing", "while processing"],
  ["when parsing", "while parsing"],
  ["when handling", "while handling"],
  ["while processing", "when processing"],
  ["while parsing", "when parsing"],
  ["while handling", "when handling"],
  ["administrator privileges", "administrative privileges"],
  ["administrative privileges", "administrator privileges"],
  ["targeted system", "target system"],
  ["convince a user to", "persuade a user to"],
  ["convince a victim to", "persuade a victim to"],
  ["convincing a user to", "persuading a user to"],
  ["click a link", "click on a link"],
  ["clicks a link", "clicks on a link"],
  ["an attacker would need to", "an attacker would have to"],
  ["would need to", "~would have to"],
  ["in the meantime", "meanwhile"],
  ["until then", "~until that time"],
  ["it is recommended that", "~it is advised that"],
  ["upon", "~on"],
  ["exists in", "is present in"],
  ["exist in", "are present in"],
  ["is present in", "exists in"],
  ["are present in", "exist in"],
  ["for example", "for instance"],
  ["for instance", "for example"],
  ["for each", "for every"],
  ["a small number of", "a few"],
  ["has released", "has published"],
  ["have released", "have published"],
  ["open source", "open-source"],
  ["open-source", "open source"],
  ["multi-factor", "multifactor"],
  ["multifactor", "multi-factor"],
  ["re-authenticate", "reauthenticate"],
  ["sub-domain", "subdomain"],
  ["subdomain", "sub-domain"],
  ["sub-domains", "subdomains"],
  ["subdomains", "sub-domains"],
  ["time-out", "timeout"],
  ["non-default", "nondefault"],
  ["non-standard", "nonstandard"],
  ["pre-installed", "preinstalled"],
  ["preinstalled", "pre-installed"],
];

// Function-word and connective alternations that hold in any context where they are matched.
const functionGroups: PhraseGroup[] = [
  ["a number of", "several"],
  ["several", "a number of"],
  ["check whether", "check if"],
  ["checks whether", "checks if"],
  ["checking whether", "checking if"],
  ["check if", "check whether"],
  ["checks if", "checks whether"],
  ["checking if", "checking whether"],
  ["verify whether", "verify if"],
  ["verifies whether", "verifies if"],
  ["confirm whether", "confirm if"],
  ["test whether", "test if"],
  ["tests whether", "tests if"],
  ["determine if", "determine whether"],
  ["determines if", "determines whether"],
  ["upgrade to", "update to"],
  ["upgrading to", "updating to"],
  ["upgraded to", "updated to"],
  ["update to", "upgrade to"],
  ["updating to", "upgrading to"],
  ["updated to", "upgraded to"],
  ["entirely", "completely"],
  ["completely", "entirely"],
  ["often", "frequently"],
  ["frequently", "often"],
  ["would like to thank", "wishes to thank"],
  ["wishes to thank", "would like to thank"],
  ["as soon as they are available", "as soon as they become available"],
  ["as soon as it is available", "as soon as it becomes available"],
  ["as soon as they become available", "as soon as they are available"],
  ["as soon as it becomes available", "as soon as it is available"],
  ["is larger than", "is greater than"],
  ["are larger than", "are greater than"],
  ["is greater than", "is larger than"],
  ["are greater than", "are larger than"],
  ["which means that", "meaning that"],
  ["although", "~though"],
  ["recommends that", "advises that"],
  ["recommend that", "advise that"],
  ["advises that", "recommends that"],
  ["strongly recommends", "strongly advises"],
  ["strongly recommend", "strongly advise"],
  ["in order to", "~so as to"],
  ["improper handling", "incorrect handling"],
  ["incorrect handling", "improper handling"],
  ["described below", "outlined below"],
  ["outlined below", "described below"],
];

/** The whole phrase table (several hundred groups). */
export const PHRASE_GROUPS: readonly PhraseGroup[] = [
  ...vulnGroups,
  ...attackGroups,
  ...modalGroups,
  ...relativeGroups,
  ...remedyGroups,
  ...connectiveGroups,
  ...compoundGroups,
  ...failGroups,
  ...thatGroups,
  ...moreGroups,
  ...functionGroups,
];

// US/UK spelling families. A family is one variation point: all its occurrences in a copy use the
// same convention, so a copy never spells "authorize" and "authorise" side by side.
const IZE_STEMS = [
  "authoriz",
  "unauthoriz",
  "reauthoriz",
  "organiz",
  "reorganiz",
  "recogniz",
  "unrecogniz",
  "prioritiz",
  "sanitiz",
  "serializ",
  "deserializ",
  "normaliz",
  "initializ",
  "reinitializ",
  "uninitializ",
  "customiz",
  "minimiz",
  "maximiz",
  "utiliz",
  "optimiz",
  "synchroniz",
  "virtualiz",
  "summariz",
  "categoriz",
  "centraliz",
  "finaliz",
  "localiz",
  "neutraliz",
  "standardiz",
  "visualiz",
  "emphasiz",
  "realiz",
  "characteriz",
  "parameteriz",
  "tokeniz",
  "containeriz",
  "generaliz",
  "specializ",
  "stabiliz",
  "weaponiz",
  "jeopardiz",
  "legitimiz",
  "harmoniz",
  "familiariz",
  "apologiz",
  "capitaliz",
  "digitiz",
  "randomiz",
  "canonicaliz",
  "personaliz",
  "internationaliz",
  "penaliz",
  "scrutiniz",
  "itemiz",
  "moderniz",
  "rationaliz",
  "sensitiz",
  "desensitiz",
  "memoriz",
  "operationaliz",
  "criminaliz",
  "mobiliz",
  "monetiz",
  "incentiviz",
  "institutionaliz",
  "materializ",
  "polariz",
  "trivializ",
  "externaliz",
  "internaliz",
  "modulariz",
  "decentraliz",
] as const;
const IZE_ENDINGS = ["ize", "izes", "ized", "izing", "ization", "izations", "izer", "izers"] as const;

const YZE_STEMS = ["analy", "paraly", "cataly"] as const;
const YZE_ENDINGS = ["yze", "yzes", "yzed", "yzing", "yzer", "yzers"] as const;

/** Explicit families: each is a list of [US, UK] forms. */
const OTHER_FAMILIES: readonly (readonly (readonly [string, string])[])[] = [
  [
    ["behavior", "behaviour"],
    ["behaviors", "behaviours"],
    ["behavioral", "behavioural"],
  ],
  [
    ["color", "colour"],
    ["colors", "colours"],
    ["colored", "coloured"],
  ],
  [
    ["favor", "favour"],
    ["favors", "favours"],
    ["favorable", "favourable"],
    ["favorite", "favourite"],
  ],
  [
    ["honor", "honour"],
    ["honors", "honours"],
    ["honored", "honoured"],
  ],
  [
    ["labor", "labour"],
    ["neighbor", "neighbour"],
    ["neighbors", "neighbours"],
  ],
  [
    ["rumor", "rumour"],
    ["rumors", "rumours"],
  ],
  [
    ["endeavor", "endeavour"],
    ["endeavors", "endeavours"],
  ],
  [["rigor", "rigour"]],
  [
    ["center", "centre"],
    ["centers", "centres"],
    ["centered", "centred"],
  ],
  [
    ["fiber", "fibre"],
    ["fibers", "fibres"],
  ],
  [
    ["defense", "defence"],
    ["defenses", "defences"],
  ],
  [
    ["offense", "offence"],
    ["offenses", "offences"],
  ],
  [
    ["catalog", "catalogue"],
    ["catalogs", "catalogues"],
    ["cataloged", "catalogued"],
  ],
  [
    ["canceled", "cancelled"],
    ["canceling", "cancelling"],
    ["cancellation", "cancellation"],
  ],
  [
    ["labeled", "labelled"],
    ["labeling", "labelling"],
  ],
  [
    ["modeled", "modelled"],
    ["modeling", "modelling"],
  ],
  [
    ["traveled", "travelled"],
    ["traveling", "travelling"],
  ],
  [
    ["signaled", "signalled"],
    ["signaling", "signalling"],
  ],
  [
    ["tunneled", "tunnelled"],
    ["tunneling", "tunnelling"],
  ],
  [
    ["leveled", "levelled"],
    ["leveling", "levelling"],
  ],
  [
    ["marshaled", "marshalled"],
    ["marshaling", "marshalling"],
    ["unmarshaled", "unmarshalled"],
    ["unmarshaling", "unmarshalling"],
  ],
  [
    ["fueled", "fuelled"],
    ["fueling", "fuelling"],
  ],
  [
    ["channeled", "channelled"],
    ["channeling", "channelling"],
  ],
  [
    ["enrollment", "enrolment"],
    ["enrollments", "enrolments"],
  ],
  [
    ["fulfill", "fulfil"],
    ["fulfills", "fulfils"],
    ["fulfillment", "fulfilment"],
  ],
  [
    ["installment", "instalment"],
    ["installments", "instalments"],
  ],
  [
    ["skillful", "skilful"],
    ["willful", "wilful"],
  ],
  [["gray", "grey"]],
  [["judgment", "judgement"]],
  [
    ["acknowledgment", "acknowledgement"],
    ["acknowledgments", "acknowledgements"],
  ],
  [
    ["artifact", "artefact"],
    ["artifacts", "artefacts"],
  ],
  [["aging", "ageing"]],
  [
    ["maneuver", "manoeuvre"],
    ["maneuvers", "manoeuvres"],
  ],
  [
    ["sizable", "sizeable"],
    ["likable", "likeable"],
  ],
  [["toward", "towards"]],
  [["afterward", "afterwards"]],
];

function buildSpellingFamilies(): (readonly [string, string])[][] {
  const families: (readonly [string, string])[][] = [];
  for (const stem of IZE_STEMS) {
    const root = stem.slice(0, -2); // "authoriz" → "author" + "ize" / "ise"
    families.push(IZE_ENDINGS.map((e) => [`${root}${e}`, `${root}${e.replace("iz", "is")}`] as const));
  }
  for (const stem of YZE_STEMS) {
    const root = stem.slice(0, -1); // "analy" → "anal" + "yze" / "yse"
    families.push(YZE_ENDINGS.map((e) => [`${root}${e}`, `${root}${e.replace("yz", "ys")}`] as const));
  }
  for (const f of OTHER_FAMILIES) families.push(f.filter(([us, uk]) => us !== uk));
  return families;
}

/** US/UK spelling families: each family is a list of [US, UK] word pairs forming one variation point. */
export const SPELLING_FAMILIES: readonly (readonly (readonly [string, string])[])[] = buildSpellingFamilies();

/**
 * Introductory phrases after which the comma is optional at the start of a sentence
 * ("In most cases, this will be" / "In most cases this will be").
 */
export const INTRO_PHRASES: readonly string[] = [
  "in most cases",
  "in all cases",
  "in some cases",
  "in many cases",
  "in certain cases",
  "in this case",
  "in such cases",
  "in most instances",
  "in practice",
  "in general",
  "in particular",
  "in the meantime",
  "in addition",
  "additionally",
  "for example",
  "for instance",
  "by default",
  "currently",
  "at this time",
  "at present",
  "at the time of writing",
  "if applicable",
  "if necessary",
  "where applicable",
  "where possible",
  "if possible",
  "as a result",
  "consequently",
  "furthermore",
  "moreover",
  "alternatively",
  "optionally",
  "by design",
  "as a workaround",
  "as a precaution",
  "to date",
  "until then",
  "meanwhile",
  "therefore",
  // Not "after upgrading" / "once patched": without the comma, "After upgrading customers should"
  // reads as "upgrading customers".
  "on affected systems",
  "on affected devices",
  "on vulnerable systems",
  "in this advisory",
  "in these releases",
  "in some configurations",
  "in certain configurations",
  "under certain conditions",
];

/** Number words that may be written as digits before a plural noun ("seven hops" → "7 hops"). */
export const NUMBER_WORDS: Readonly<Record<string, string>> = {
  two: "2",
  three: "3",
  four: "4",
  five: "5",
  six: "6",
  seven: "7",
  eight: "8",
  nine: "9",
};

/** Counts for the capacity report and the docs. */
export function phraseTableSize(): { groups: number; spellingFamilies: number; spellingPairs: number } {
  return {
    groups: PHRASE_GROUPS.length,
    spellingFamilies: SPELLING_FAMILIES.length,
    spellingPairs: SPELLING_FAMILIES.reduce((n, f) => n + f.length, 0),
  };
}

/**
 * A wording that may only be exchanged in a given context. `before` / `after` are regular
 * expression sources (case-insensitive) the text just before / after the wording must match;
 * `notBefore` one it must not end with. With `both`, `to` is matched too (same context) and
 * `from` written instead. `start`: only at the start of a sentence.
 */
export type ContextRule = {
  from: string;
  to: string;
  before?: string;
  notBefore?: string;
  after?: string;
  both?: boolean;
  start?: boolean;
};

// Nouns for which "vulnerable" and "affected" say the same ("an affected version").
const VERSIONED_WORDS =
  "versions?|releases?|systems?|devices?|products?|installations?|instances?|hosts?|servers?|deployments?|builds?|packages?|components?|applications?|appliances?|computers?|machines?|endpoints?|software|firmware|branch(?:es)?|libraries|library|drivers?|agents?|clients?|nodes?|services?|platforms?|routers?|switches|firewalls?";
const VERSIONED = `(?:${VERSIONED_WORDS})\\b`;
// Nouns of things that are fixed or patched ("the fixed library" / "the patched library").
const FIXABLE =
  "(?:version|versions|release|releases|library|libraries|package|packages|build|builds|driver|drivers|software|firmware|binaries|binary|image|images|component|components|module|modules|code)\\b";
const NOUN_AFTER = "\\s+(?!(?:by|to|in|on|with|and|or|for|from|so|such|that|which|as|at|via|into)\\b)[a-z]";
const DETERMINER_WORDS = "the|a|an|any|this|these|those|its|their|your|our|all|each|every|some";
const DETERMINER = `(?:${DETERMINER_WORDS})\\b`;
// Verbs after which "through the" and "via the" name the same channel.
const CHANNEL_VERBS =
  "(?:reported|reporting|disclosed|uploaded|submitted|sent|accessed|accessible|reachable|exposed|available|delivered|imported|triggered|exploited|exploitable|reached|received|distributed|installed|deployed|configured|managed|uploading|submitting|sending|importing|accessing|delivering|distributing|deploying|installing)\\s+";

const ableRules: ContextRule[] = ABLE_SUBJECTS.flatMap(([s, be]) => [
  // Never before "be", "not", "also" …: "users can be tricked" must not become "users are able to be tricked".
  {
    from: `${s} can`,
    to: `${s} ${be} able to`,
    after: "\\s+(?!(?:be|not|also|only|still|then|therefore|thus|easily|now|always|never|either)\\b)[a-z]",
    both: true,
  },
  {
    from: `${s} cannot`,
    to: `${s} ${be} unable to`,
    after: "\\s+(?!(?:be|also|only|still|then|therefore|thus|easily|now|always|never|either)\\b)[a-z]",
    both: true,
  },
  ...(be === "are"
    ? [
        {
          from: `${s} who cannot`,
          to: `${s} who are unable to`,
          after: "\\s+(?!(?:be|also|only|still|then|always|never|either)\\b)[a-z]",
          both: true,
        },
      ]
    : []),
]);

/** Wordings exchanged only in a context that keeps the grammar and the meaning. */
export const CONTEXT_RULES: readonly ContextRule[] = [
  ...ableRules,
  // "before" as a preposition, never as a conjunction: "before they are opened", "before the
  // victim logs in" must stay. So only before a gerund, a version, or a short noun phrase that
  // is a single noun ending at punctuation or "of" ("before the release of the fix").
  {
    from: "before",
    to: "prior to",
    after:
      "\\s+(?:(?:upgrading|installing|applying|deploying|updating|patching|opening|using|enabling|processing|restarting|rebooting|publication|disclosure)\\b|(?:versions?|releases?)\\s+\\p{N}|(?:the|a|an|this|these|any|its|their)\\s+[\\p{Ll}-]+(?=[.,;:)]|\\s+(?:of|for|from)\\b))",
    notBefore: "(?:long|shortly|just|right|even|immediately|well|never|and|or|not|as)\\s+",
  },
  // "once" as a temporal conjunction → "after" (never "only once", "more than once").
  {
    from: "once",
    to: "after",
    before: "(?:^|[.!?]\\s+|,\\s+|\\n)",
    after:
      "\\s+(?:the|a|an|it|they|this|these|that|all|you|we|users|customers|administrators)\\b(?!\\s*[.,;])",
  },
  // Affected and vulnerable versions, devices …
  { from: "a vulnerable", to: "an affected", after: `\\s+${VERSIONED}`, both: true },
  {
    from: "vulnerable",
    to: "affected",
    after: `\\s+${VERSIONED}`,
    notBefore: "\\b(?:a|an|most|least|more|less|not|very|are|is|be|been)\\s+",
    both: true,
  },
  {
    from: "affected",
    to: "vulnerable",
    before: `(?:\\b(?:${VERSIONED_WORDS}|and)|[\\p{N}x)])\\s+(?:are|is|were|was|remain|remains)\\s+(?:not\\s+)?`,
    after: "(?:[.,;:]|\\s+(?:and|but|if|unless|when|because|as|either|too)\\b)",
    both: true,
  },
  { from: "the fixed", to: "the patched", after: `\\s+${FIXABLE}`, both: true },
  // "specially crafted" before a noun ("a crafted" is in the table).
  {
    from: "specially crafted",
    to: "crafted",
    notBefore: "\\b(?:an?|is|are|was|were|be|been|being|has|have|had)\\s+",
    after: NOUN_AFTER,
    both: true,
  },
  // "where" / "in which" after nouns that name cases and containers ("files in which" / "files where").
  {
    from: "in which",
    to: "where",
    before:
      "\\b(?:cases|situations|configurations|environments|deployments|scenarios|setups|networks|installations|systems|files|blocks|messages|requests|packets|versions|releases|instances|circumstances|conditions)\\s+",
    after: `\\s+${DETERMINER}`,
    both: true,
  },
  // "through the" / "via the" for the channel something is sent or reached through.
  { from: "through the", to: "via the", before: `${CHANNEL_VERBS}`, both: true },
  { from: "through a", to: "via a", before: `${CHANNEL_VERBS}`, both: true },
  { from: "through an", to: "via an", before: `${CHANNEL_VERBS}`, both: true },
  // "due to" as "because of" (not "due to be released"; "is due to" has the rule below).
  { from: "due to", to: "because of", after: "\\s+(?!be\\b)[a-z]", both: true },
  // "is due to" a cause, never "is due to be released" (a date).
  ...(["is", "are", "was", "were"] as const).map((v) => ({
    from: `${v} due to`,
    to: `${v} caused by`,
    after: "\\s+(?!be\\b)[a-z]",
  })),
  // "more than" before a number is "over" (never the reverse: "over 80" may be a port).
  { from: "more than", to: "over", after: "\\s+\\p{N}" },
  // "larger than" a number.
  { from: "larger than", to: "greater than", after: "\\s+\\p{N}", both: true },
  // "each" / "every" before a noun (not "each of", "each other", "not every").
  {
    from: "each",
    to: "every",
    notBefore: "\\b(?:for|not|almost|nearly|virtually|every|each)\\s+",
    after:
      "\\s+(?!(?:of|other|one|and|or|time|in|is|are|has|have|can|must|should)\\b)[a-z]+\\b(?!\\s+(?:of|other)\\b)",
    both: true,
  },
  // "run" / "execute" a command.
  {
    from: "run",
    to: "execute",
    after: "\\s+(?:the\\s+following\\s+command|the\\s+command\\b|`)",
    both: true,
  },
  // "contains" / "includes" only before what a release or package holds ("contains the fixed
  // library"), never before an action ("This includes changing …").
  {
    from: "contains",
    to: "includes",
    after:
      "\\s+(?:the\\s+|a\\s+|all\\s+)?(?:fix(?:es|ed)?|patch(?:es|ed)?|security\\s+fix(?:es)?|corrections?|updated)\\b",
    both: true,
  },
  // "shows" / "displays" for what a screen or an output shows, never "this shows that".
  {
    from: "shows",
    to: "displays",
    before:
      "\\b(?:banner|output|page|console|interface|screen|dialog|window|log|command|field|column|tab|message|tool|view)\\s+",
    after: "\\s+(?:the|a|an)\\s",
  },
  // "Refer to the notes" / "See the notes" as an instruction only (never "terms that refer to the").
  { from: "refer to", to: "see", start: true, after: "\\s+the\\b" },
  { from: "refer to", to: "see", before: "(?:,\\s*|\\bthen\\s+)", after: "\\s+the\\b" },
  // "Note that" at the start of a sentence only ("we note that" must stay).
  { from: "note that", to: "please note that", start: true },
  // ", which means that" / ", meaning that".
  { from: "meaning that", to: "which means that", before: ",\\s*" },
  // "log in to the portal" / "log into the portal", never "log in to download" (purpose).
  ...(["log", "logs", "logged", "logging"] as const).map((v) => ({
    from: `${v} in to`,
    to: `${v} into`,
    after: `\\s+${DETERMINER}`,
    both: true,
  })),
  // "therefore" / "thus" inside a clause ("can therefore reach"); the sentence opener is in the table.
  {
    from: "therefore",
    to: "thus",
    before: "\\b(?:can|could|may|might|will|would|should|must|is|are|was|were|and|it|they|which)\\s+",
    after: "\\s+[a-z]",
    both: true,
  },
  // "without a valid session" / "with no valid session" (never "without a doubt").
  { from: "without a", to: "with no", after: `${NOUN_AFTER}(?!doubt)`, notBefore: "\\bdo\\s+" },
  { from: "without an", to: "with no", after: NOUN_AFTER },
  // Compound modifiers: hyphenated before the noun they modify.
  {
    from: "command line",
    to: "command-line",
    after:
      "\\s+(?:tools?|options?|interfaces?|utility|utilities|arguments?|flags?|switch(?:es)?|parameters?|clients?|programs?|parsers?)\\b",
    both: true,
  },
  {
    from: "third party",
    to: "third-party",
    after:
      "\\s+(?:librar(?:y|ies)|components?|software|applications?|plug-?ins?|modules?|code|dependenc(?:y|ies)|services?|vendors?|products?|tools?|packages?|drivers?|content|cookies|integrations?|extensions?)\\b",
    both: true,
  },
  // "end-of-life" / "end-of-support" only as a modifier ("end-of-life products"), never as a noun
  // phrase ("the product reached the end of life").
  ...(["end of life", "end of support"] as const).map((from) => ({
    from,
    to: from.replace(/ /g, "-"),
    after:
      "\\s+(?:products?|versions?|releases?|software|systems?|devices?|dates?|status|platforms?|branch(?:es)?|hardware|announcements?)\\b",
    both: true,
  })),
  {
    from: "zero day",
    to: "zero-day",
    after: "\\s+(?:vulnerabilit(?:y|ies)|exploits?|attacks?|flaws?)\\b",
    both: true,
  },
  {
    from: "high severity",
    to: "high-severity",
    after: "\\s+(?:vulnerabilit(?:y|ies)|issues?|flaws?|bugs?)\\b",
    both: true,
  },
  {
    from: "low privileged",
    to: "low-privileged",
    after: "\\s+(?:users?|accounts?|attackers?|process(?:es)?)\\b",
    both: true,
  },
];
