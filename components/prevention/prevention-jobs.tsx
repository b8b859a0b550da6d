import { actorNames } from "@/lib/audit/query";
import { relationsOf, recentPreventionJobs } from "@/lib/prevention/jobs";
import { getStore } from "@/lib/store/web";
import { LocalTime } from "@/components/ui/local-time";
import { statusText } from "@/components/ui/status-badge";
import { Table, Td } from "@/components/ui/table";
import { TextLink } from "@/components/ui/text-link";

/** The latest constraint jobs: relations, status, who asked and when. Nothing when none was asked for. */
export async function PreventionJobsList({ empty }: { empty?: React.ReactNode }) {
  const store = await getStore();
  const jobs = await recentPreventionJobs(store);
  if (!jobs.length) return empty ?? null;
  const names = await actorNames(
    store,
    jobs.map((j) => j.requestedBy),
  );
  return (
    <section className="space-y-2" data-testid="prevention-jobs">
      <h2 className="text-lg font-semibold">Constraint jobs</h2>
      <Table columns={["Relations", "Status", "Outcome", "Requested by", "Requested"]}>
        {jobs.map((j) => (
          <tr key={j.id} data-job={j.id}>
            <Td>
              <TextLink href={`/prevention/jobs/${j.id}`} className="font-mono text-sm">
                {relationsOf(j.relations).join(", ")}
              </TextLink>
            </Td>
            <Td className={`font-medium ${statusText(j.status)}`}>{j.status.replace(/_/g, " ")}</Td>
            <Td className="max-w-md truncate text-zinc-500" title={j.reason ?? undefined}>
              {j.reason ?? "—"}
            </Td>
            <Td>{names.get(j.requestedBy) ?? j.requestedBy}</Td>
            <Td className="whitespace-nowrap text-zinc-500">
              <LocalTime date={j.createdAt} />
            </Td>
          </tr>
        ))}
      </Table>
    </section>
  );
}
