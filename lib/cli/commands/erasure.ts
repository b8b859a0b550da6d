import { readFileSync } from "node:fs";
import type { z } from "zod";
import { scrubParams } from "../../audit/params";
import type { Config } from "../../config/types";
import { KeyListError } from "../../erasure/csv-keys";
import { addRequestSchema, uploadKeysSchema } from "../../erasure/erasure.validation";
import { fileKeyList, fileManualRequest, manualRequestKey } from "../../erasure/file-requests";
import { getRequest } from "../../erasure/requests";
import { subjectByName, subjectLabel } from "../../erasure/subjects";
import { usageError } from "../../errors/user-error";
import { openStore } from "../../store/client";
import { audited, cliActor, type CliAction } from "../actor";
import { EXIT, formatCount, type Output } from "../io";

export interface ErasureOptions {
  verb?: string;
  /** import: the key list ("-": stdin) */
  file?: string;
  subject?: string;
  key?: string;
  received?: string;
  as?: string;
  config: () => Config;
}

/**
 * `custodian erasure add|import`: the console's "file a request" form and CSV upload for
 * scripts, through the same functions (lib/erasure/file-requests.ts): the same input rules
 * and messages, the same permission (erasure.verify) and audit actions, as the --as user.
 */
export async function erasureCommand(out: Output, opts: ErasureOptions): Promise<number> {
  if (opts.verb !== "add" && opts.verb !== "import") {
    throw usageError(`expected "custodian erasure add" or "custodian erasure import FILE"${opts.verb ? `, not "${opts.verb}"` : ""}`);
  }
  if (opts.verb === "add" && opts.file !== undefined) throw usageError(`unexpected argument "${opts.file}"`);
  if (opts.verb === "import" && opts.file === undefined) throw usageError("erasure import needs FILE: one key per line, or - for stdin");
  if (!opts.as) throw usageError("--as EMAIL is required: who files the request");
  return opts.verb === "add" ? add(out, opts, opts.as) : importList(out, opts, opts.file!, opts.as);
}

const FLAGS: Record<string, string> = { subject: "--subject", key: "--key", receivedOn: "--received", csv: "FILE" };

/** The first problem of a zod parse, named by the flag the person typed. */
function inputError(error: z.ZodError, given: Record<string, unknown>): Error {
  const issue = error.issues[0];
  const field = String(issue.path[0]);
  return usageError(`${FLAGS[field] ?? field}: ${given[field] === undefined ? "required" : issue.message}`);
}

async function add(out: Output, opts: ErasureOptions, as: string): Promise<number> {
  const given = { subject: opts.subject, key: opts.key, receivedOn: opts.received };
  const parsed = addRequestSchema.safeParse({ ...given, subject: given.subject ?? "", key: given.key ?? "" });
  if (!parsed.success) throw inputError(parsed.error, given);
  const input = parsed.data;
  const config = opts.config();
  // an unknown subject or a composite key that is no JSON list: refused before anything is opened, as `allow` refuses a relation
  const { key, object } = manualRequestKey(config, input.subject, input.key);
  const store = await openStore({ purpose: "custodian erasure add" });
  try {
    const act: CliAction = {
      action: "erasure.request_add",
      permission: "erasure.verify",
      object,
      params: scrubParams({ subject: input.subject, key: input.key }, ["subject", "key"]),
    };
    const actor = await cliActor(store, as, act);
    const filed = await audited(store, actor, act, () =>
      fileManualRequest(store, config, { subject: input.subject, key, receivedOn: input.receivedOn || undefined }, actor.userId),
    );
    const request = (await getRequest(store, filed.id))!;
    const subject = subjectLabel(request);
    out.result({ id: request.id, created: filed.created, subject, receivedAt: request.receivedAt.toISOString() }, () =>
      filed.created
        ? `filed erasure request ${request.id} for ${subject}, received ${request.receivedAt.toISOString().slice(0, 10)}`
        : `already filed: erasure request ${request.id} for ${subject} (left as it was)`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

async function importList(out: Output, opts: ErasureOptions, file: string, as: string): Promise<number> {
  const received = addRequestSchema.shape.receivedOn.safeParse(opts.received);
  if (!received.success) throw usageError(`--received: ${received.error.issues[0].message}`);
  let csv: string;
  try {
    csv = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (err) {
    throw usageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const given = { subject: opts.subject, csv };
  const parsed = uploadKeysSchema.safeParse({ ...given, subject: given.subject ?? "" });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.path[0] === "csv") throw usageError(`${file}: ${csv.length ? issue.message : "the file is empty"}`);
    throw inputError(parsed.error, given);
  }
  const config = opts.config();
  subjectByName(config, parsed.data.subject); // an unknown subject is refused before anything is opened
  const store = await openStore({ purpose: "custodian erasure import" });
  try {
    const act: CliAction = {
      action: "erasure.request_upload",
      permission: "erasure.verify",
      object: null,
      params: scrubParams({ subject: parsed.data.subject }, ["subject"]),
    };
    const actor = await cliActor(store, as, act);
    // all or nothing, as the console's upload: a bad line refuses the list (exit 2, every problem's line named)
    const filed = await audited(store, actor, act, () =>
      fileKeyList(store, config, { ...parsed.data, receivedOn: received.data || undefined }, actor.userId),
    ).catch((err) => {
      // a line that is no key (the key-type check says "Nothing was stored." itself)
      throw err instanceof KeyListError ? usageError(`${file}: ${err.message}. Nothing was stored.`) : err;
    });
    out.result({ subject: parsed.data.subject, created: filed.created, existing: filed.existing, refused: 0 }, () =>
      [
        `filed ${formatCount(filed.created)} erasure request${filed.created === 1 ? "" : "s"} for subject ${parsed.data.subject}`,
        `${formatCount(filed.existing)} already present (left as they were), 0 refused`,
      ].join("; "),
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
