/**
 * The layers of docs/architecture.md ("Layers"), enforced: `npm run check:imports`.
 * Imports point down. Each rule below forbids one upward direction; tests are exempt from
 * the layer rules (they may reach anything to set up what they test), never from cycles.
 * There are no known violations: any one fails the check.
 */
const TEST = "\\.(test|integration\\.test)\\.tsx?$";
/** Below everything: settings, logging, formatting, the vocabulary of relations. */
const FOUNDATION = "^(lib/(config|log|pglite|errors)/|lib/[^/]+\\.ts$|lib/relations/types\\.ts$|generated/)";
/** Custodian's own state and the databases it inspects. */
const DATA = "^lib/(store|targets)/";
/** Reading the fleet: relations, orphan counts, sightings. */
const CORE = "^lib/(relations|detect|sightings)/";
/** Capabilities that act: audit, accounts, cleanup, soft delete, erasure, alerts, prevention. */
const FEATURES = "^lib/(audit|auth|cleanup|softdelete|erasure|alerts|prevention)/";
/** What composes capabilities: sweeps, the dashboard's read models. */
const COMPOSITION = "^lib/(sweeps|dashboard)/";
/** The job registry, its queues and runtime start every feature's workers; features use lib/jobs' definition and lifecycle helpers only. */
const JOB_REGISTRY = "^lib/jobs/(workers|runtime|registry|queue)\\.ts$";
/**
 * What the web app calls: each capability's server actions and the pages' queries modules. They sit at the
 * top of lib/ beside the processes (an action reads the process's config and job queue), below app/ and
 * components/, and nothing else in lib/ imports them.
 */
const ENTRY = "^lib/[^/]+/(actions|queries|[^/]*[.]actions)[.]ts$";
/** Processes: the web server's start-up and the CLI. */
const PROCESS = "^lib/(server|cli)/";

const above = (...layers) => layers.join("|");
/** A layer rule's sources: the layer's modules, not its tests nor its web entry points. */
const NOT_LAYERED = `${TEST}|${ENTRY}`;

module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", comment: "Modules that import each other (directly or around a loop).", from: {}, to: { circular: true } },
    {
      name: "lib-not-ui",
      severity: "error",
      comment: "lib/ is below the web app and its components.",
      from: { path: "^lib/", pathNot: TEST },
      to: { path: "^(app|components)/" },
    },
    {
      name: "components-not-app",
      severity: "error",
      comment: "Components are below routes; server actions belong to their capability.",
      from: { path: "^components/", pathNot: TEST },
      to: { path: "^app/" },
    },
    {
      name: "foundation-down",
      severity: "error",
      comment: "Config, logging and the relation vocabulary import nothing above them.",
      from: { path: FOUNDATION, pathNot: NOT_LAYERED },
      to: { path: "^lib/", pathNot: FOUNDATION },
    },
    {
      name: "data-down",
      severity: "error",
      comment: "The store and the targets know no capability (lib/store declares what it stores).",
      from: { path: DATA, pathNot: NOT_LAYERED },
      to: { path: "^lib/", pathNot: above(FOUNDATION, DATA) },
    },
    {
      name: "core-down",
      severity: "error",
      comment: "Reading the fleet needs no acting capability.",
      from: { path: CORE, pathNot: NOT_LAYERED },
      to: { path: "^lib/", pathNot: above(FOUNDATION, DATA, CORE) },
    },
    {
      name: "features-down",
      severity: "error",
      comment: "A capability uses the layers below it, never sweeps, the dashboard, the job registry or a process.",
      from: { path: FEATURES, pathNot: NOT_LAYERED },
      to: { path: above(COMPOSITION, JOB_REGISTRY, PROCESS) },
    },
    {
      name: "features-order",
      severity: "error",
      comment: "Among capabilities: audit < auth < cleanup < soft delete < alerts, erasure, prevention.",
      from: { path: "^lib/(audit|auth)/", pathNot: NOT_LAYERED },
      to: { path: "^lib/(cleanup|softdelete|erasure|alerts|prevention)/" },
    },
    {
      name: "cleanup-below-softdelete",
      severity: "error",
      from: { path: "^lib/cleanup/", pathNot: NOT_LAYERED },
      to: { path: "^lib/(softdelete|erasure|alerts|prevention)/" },
    },
    { name: "softdelete-below-alerts", severity: "error", from: { path: "^lib/softdelete/", pathNot: NOT_LAYERED }, to: { path: "^lib/(erasure|alerts)/" } },
    { name: "alerts-below-erasure", severity: "error", from: { path: "^lib/alerts/", pathNot: NOT_LAYERED }, to: { path: "^lib/erasure/" } },
    {
      name: "composition-down",
      severity: "error",
      comment: "Sweeps and the dashboard's read models are started by processes, not the other way round.",
      from: { path: COMPOSITION, pathNot: NOT_LAYERED },
      to: { path: above(JOB_REGISTRY, PROCESS) },
    },
    {
      name: "jobs-infrastructure-down",
      severity: "error",
      comment: "lib/jobs' queue helpers sit below the capabilities that use them; only the registry knows the features.",
      from: { path: "^lib/jobs/", pathNot: `${JOB_REGISTRY}|${NOT_LAYERED}` },
      to: { path: above(FEATURES, COMPOSITION, PROCESS) },
    },
    { name: "sweeps-below-dashboard", severity: "error", from: { path: "^lib/sweeps/", pathNot: NOT_LAYERED }, to: { path: "^lib/dashboard/" } },
    {
      name: "processes-on-top",
      severity: "error",
      comment: "Only a process starts the other.",
      from: { path: "^lib/", pathNot: `${PROCESS}|${NOT_LAYERED}` },
      to: { path: PROCESS },
    },
    {
      name: "entries-on-top",
      severity: "error",
      comment: "Server actions and page queries are called by the web app, never by the capabilities below them.",
      from: { path: "^lib/", pathNot: `${ENTRY}|${PROCESS}|${TEST}` },
      to: { path: ENTRY },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|generated|\\.next|demo/data|\\.custodian)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
