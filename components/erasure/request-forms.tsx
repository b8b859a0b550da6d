"use client";
import { useAction } from "next-safe-action/hooks";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { addErasureRequest, uploadErasureKeys } from "@/lib/erasure/actions";
import { FieldError, FormError } from "@/components/form-errors";

type Errors = Record<string, { _errors?: string[] }> | undefined;
interface Subject {
  name: string;
  label: string;
  key: string[];
}

function SubjectSelect({ subjects }: { subjects: Subject[] }) {
  return (
    <label>
      <span className="text-xs text-zinc-500">Subject</span>
      <select name="subject" className="input mt-1" data-testid="request-subject">
        {subjects.map((s) => (
          <option key={s.name} value={s.name}>
            {s.name} ({s.label})
          </option>
        ))}
      </select>
    </label>
  );
}

/** One key typed in: the request opens on its own page, ready to verify. */
export function AddRequestForm({ subjects }: { subjects: Subject[] }) {
  const router = useRouter();
  const { execute, result, isPending } = useAction(addErasureRequest, { onSuccess: ({ data }) => data && router.push(`/erasure/${data.id}`) });
  const v = result.validationErrors as Errors;
  return (
    <form
      className="space-y-3"
      action={(f) => execute({ subject: String(f.get("subject")), key: String(f.get("key")), receivedOn: String(f.get("receivedOn") ?? "") })}
    >
      <h2 className="font-medium">Add a request</h2>
      <div className="grid gap-3 sm:grid-cols-2">
        <SubjectSelect subjects={subjects} />
        <label>
          <span className="text-xs text-zinc-500">Key ({subjects[0]?.key.length > 1 ? "a JSON array" : subjects[0]?.key.join(", ")})</span>
          <input name="key" required className="input mt-1" placeholder="e.g. 3047" data-testid="request-key" />
          <FieldError errors={v?.key?._errors} />
        </label>
        <label>
          <span className="text-xs text-zinc-500">Received on (the one-month deadline runs from it; empty: today)</span>
          <input name="receivedOn" type="date" className="input mt-1" max={new Date().toISOString().slice(0, 10)} data-testid="request-received" />
          <FieldError errors={v?.receivedOn?._errors} />
        </label>
      </div>
      <FormError message={result.serverError} />
      <button className="btn-primary" disabled={isPending} data-testid="request-add">
        {isPending ? "Adding…" : "Add request"}
      </button>
    </form>
  );
}

/** A CSV of keys (one per line; a header naming the key columns is skipped). */
export function UploadKeysForm({ subjects }: { subjects: Subject[] }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const { execute, result, isPending } = useAction(uploadErasureKeys, { onSuccess: () => formRef.current?.reset() });
  const v = result.validationErrors as Errors;
  return (
    <form
      ref={formRef}
      className="space-y-3"
      action={async (f) => {
        setReadError(null);
        const file = f.get("file");
        if (!(file instanceof File) || !file.size) return setReadError("Choose a CSV file.");
        if (file.size > 1_000_000) return setReadError("The file is over 1 MB: split it.");
        execute({ subject: String(f.get("subject")), csv: await file.text() });
      }}
    >
      <h2 className="font-medium">Upload keys (CSV)</h2>
      <p className="text-sm text-zinc-500">One key per line; a first line naming the key columns is skipped. Keys already requested are left as they are.</p>
      <div className="grid gap-3 sm:grid-cols-2">
        <SubjectSelect subjects={subjects} />
        <label>
          <span className="text-xs text-zinc-500">File</span>
          <input name="file" type="file" accept=".csv,text/csv,text/plain" className="input mt-1" data-testid="request-file" />
        </label>
      </div>
      <FieldError errors={v?.csv?._errors} />
      <FormError message={readError ?? result.serverError} />
      <div className="flex items-center gap-3">
        <button className="btn-secondary" disabled={isPending} data-testid="request-upload">
          {isPending ? "Uploading…" : "Upload"}
        </button>
        {result.data && (
          <span className="text-sm text-emerald-600" data-testid="upload-result">
            {result.data.created} added{result.data.existing ? `, ${result.data.existing} already requested` : ""}.
          </span>
        )}
      </div>
    </form>
  );
}
