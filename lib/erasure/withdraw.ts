import type { ErasureWithdrawal, Prisma } from "../../generated/prisma/client";
import type { Store } from "../store/client";
import { UserError } from "../errors/user-error";

/** A withdrawal a person asked for that cannot be made (no such request, already withdrawn). */
export class WithdrawalError extends UserError {
  constructor(message: string) {
    super("refused", message);
  }
}

/** Verifying a withdrawn request is refused: it is out of every list and run, kept as it was. */
export class RequestWithdrawnError extends UserError {
  constructor(message: string) {
    super("refused", message);
  }
}

/**
 * Withdraws a mistaken erasure request: one append-only record of who, when and why. The
 * request itself is not changed and its evidence stays; from now on it is left out of the
 * open lists, the counts and bulk verification, and exports mark it withdrawn.
 */
export async function withdrawRequest(store: Store, requestId: string, reason: string, withdrawnBy: string): Promise<ErasureWithdrawal> {
  const request = await store.prisma.erasureRequest.findUnique({ where: { id: requestId }, select: { id: true } });
  if (!request) throw new WithdrawalError("No such erasure request.");
  try {
    return await store.prisma.erasureWithdrawal.create({ data: { requestId, reason, withdrawnBy } });
  } catch (err) {
    // one withdrawal per request (a unique index): a second one, even a concurrent one, is refused
    const earlier = await store.prisma.erasureWithdrawal.findUnique({ where: { requestId } });
    if (earlier) throw new WithdrawalError(`This request was already withdrawn on ${earlier.withdrawnAt.toISOString().slice(0, 10)}.`);
    throw err;
  }
}

export async function withdrawalOf(store: Store, requestId: string): Promise<ErasureWithdrawal | null> {
  return store.prisma.erasureWithdrawal.findUnique({ where: { requestId } });
}

/** Withdrawals of some requests, by request id (exports mark each record of a withdrawn request). */
export async function withdrawalsOf(store: Store, requestIds: string[]): Promise<Map<string, ErasureWithdrawal>> {
  if (!requestIds.length) return new Map();
  const rows = await store.prisma.erasureWithdrawal.findMany({ where: { requestId: { in: [...new Set(requestIds)] } } });
  return new Map(rows.map((w) => [w.requestId, w]));
}

/** The where-clause of the open requests: those not withdrawn. */
export const NOT_WITHDRAWN = { withdrawal: { is: null } } satisfies Prisma.ErasureRequestWhereInput;
