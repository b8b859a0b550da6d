/**
 * A refusal the person can act on ("that email is taken"): its message is shown as is.
 * Anything else thrown by an action is logged and shown as a generic failure.
 */
export class ExpectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExpectedError";
  }
}
